"""Shared paths and an approximation of slant's tokenizer for the side study."""
import os
import re
import unicodedata

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..'))
SHARED = os.environ.get('SLANT_SHARED', os.path.join(REPO, '..', 'shared'))
CACHE = os.environ.get('SLANT_STUDY_CACHE', '/tmp/slant-loaded-study')
os.makedirs(CACHE, exist_ok=True)

# Approximation of slant's tokenizer: words join across internal ' and - when an
# alphanumeric follows; numbers are digit runs with , or . between digits.
NORM = str.maketrans({'\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'",
                      '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u201f': '"', '\u2033': '"',
                      '\u2013': '-', '\u2014': '-', '\u2012': '-', '\u2015': '-', '\u2212': '-'})
TOK = re.compile(r"(?:[^\W_](?:\.[^\W\d_])+\.?)|(?:\d+(?:[.,]\d+)+(?![^\W_]))|(?:[^\W_]+(?:['-][^\W_]+)*)|(?:[^\w\s]|_)", re.UNICODE)

def normalize(t):
    return unicodedata.normalize('NFKC', t).translate(NORM)

def tokens(text):
    """(start, end, text, kind, quoted) over normalized text."""
    t = normalize(text)
    out = []
    quoted = False
    for m in TOK.finditer(t):
        s = m.group(0)
        if s == '"':
            quoted = not quoted
            out.append((m.start(), m.end(), s, 'P', quoted))
            continue
        if s[0].isalnum():
            if re.fullmatch(r"\d+(?:[.,]\d+)*", s):
                kind = 'N'
            else:
                kind = 'W'
        else:
            kind = 'P'
        out.append((m.start(), m.end(), s, kind, quoted))
    return t, out
