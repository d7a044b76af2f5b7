#!/usr/bin/env python3
"""Writes README.md from docs/readme/*.md parts and sections of the per-part docs, so the README
carries the CLI reference, the verify --json fields and the PKITS exceptions verbatim."""
import pathlib, re
root = pathlib.Path(__file__).resolve().parents[2]
docs = root / 'docs'

def section(path, start, end=None, demote=0):
    text = (docs / path).read_text()
    i = text.index(start)
    j = text.index(end, i + len(start)) if end else len(text)
    out = text[i:j].rstrip() + '\n'
    # Links in docs/*.md are relative to docs/; in README.md (the repository root) they need the prefix.
    out = re.sub(r'\]\((?![a-z][a-z0-9+.-]*:|#|/)([^)\s]+)\)', r'](docs/\1)', out)
    if demote:
        out = re.sub(r'^(#+) ', lambda m: '#' * (len(m.group(1)) + demote) + ' ', out, flags=re.M)
    return out

parts = []
for p in sorted((docs / 'readme').glob('*.md')):
    body = p.read_text()
    def include(m):
        args = m.group(1).split('|')
        return section(args[0].strip(), args[1].strip(), args[2].strip() if len(args) > 2 and args[2].strip() else None,
                       int(args[3]) if len(args) > 3 else 0)
    body = re.sub(r'<!-- include: (.*?) -->', include, body)
    parts.append(body.rstrip() + '\n')
(root / 'README.md').write_text('\n'.join(parts))
