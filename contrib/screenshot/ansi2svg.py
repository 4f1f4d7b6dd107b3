#!/usr/bin/env python3
# ansi2svg.py: a terminal capture with SGR escapes (what `tmux capture-pane
# -p -e` prints) as a self-contained SVG picture, on the Python standard
# library alone.
#
#   tmux capture-pane -p -e -t PANE | ansi2svg.py --cols 100 --rows 30 > x.svg
#
# The input is laid out on a grid of cells as a terminal would: a wide
# character (East Asian width W or F) takes two cells, a combining mark
# joins the cell before it, a tab goes to the next multiple of 8.  SGR
# sets the colours (16, 256 and 24-bit, default fg and bg) and bold, dim,
# italic, underline, reverse, hidden and crossed-out; any other escape
# sequence (cursor moves, OSC, charset selection) is skipped, as tmux
# emits none that move the cursor.
#
# The picture: a dark rounded background, one <rect> per run of cells of
# the same non-default background, one <text> per row with a <tspan> per
# run of the same style placed at its cell (ASCII runs get a textLength of
# their cells, so any monospace font keeps the grid; every other
# character is centred on its own cell or cells, whatever its font's
# advance), and the box-drawing lines drawn as paths from cell edge to
# cell edge, so they join across rows and columns in any font.

import argparse
import re
import sys
import unicodedata

FONT_FAMILY = '"DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace'
DEFAULT_FG = (0xd4, 0xd4, 0xd4)
DEFAULT_BG = (0x1e, 0x1e, 0x1e)

# The 16 ANSI colours: normal 0-7, bright 8-15.
PALETTE16 = [
    (0x1e, 0x1e, 0x1e), (0xe0, 0x50, 0x50), (0x4e, 0xc9, 0x4e),
    (0xd7, 0xba, 0x3d), (0x4f, 0x8f, 0xe6), (0xc5, 0x6f, 0xd6),
    (0x3a, 0xc0, 0xc8), (0xcc, 0xcc, 0xcc),
    (0x76, 0x76, 0x76), (0xf1, 0x6c, 0x6c), (0x6d, 0xe0, 0x6d),
    (0xf5, 0xe0, 0x5a), (0x7a, 0xaa, 0xff), (0xdd, 0x8c, 0xf0),
    (0x5e, 0xe0, 0xe8), (0xf2, 0xf2, 0xf2),
]

# Box drawing: a character's arms (left, right, up, down), each 0 (none),
# 1 (light) or 2 (heavy).  Rounded corners are drawn square.
BOX = {}


def _box(chars, arms):
    for c in chars:
        BOX[c] = arms


_box('\u2500\u254c\u2504\u2508', (1, 1, 0, 0))
_box('\u2501\u254d\u2505\u2509', (2, 2, 0, 0))
_box('\u2502\u254e\u2506\u250a', (0, 0, 1, 1))
_box('\u2503\u254f\u2507\u250b', (0, 0, 2, 2))
_box('\u250c\u256d', (0, 1, 0, 1))
_box('\u2510\u256e', (1, 0, 0, 1))
_box('\u2514\u2570', (0, 1, 1, 0))
_box('\u2518\u256f', (1, 0, 1, 0))
_box('\u250f', (0, 2, 0, 2))
_box('\u2513', (2, 0, 0, 2))
_box('\u2517', (0, 2, 2, 0))
_box('\u251b', (2, 0, 2, 0))
_box('\u251c', (0, 1, 1, 1))
_box('\u2524', (1, 0, 1, 1))
_box('\u252c', (1, 1, 0, 1))
_box('\u2534', (1, 1, 1, 0))
_box('\u253c', (1, 1, 1, 1))
_box('\u2523', (0, 2, 2, 2))
_box('\u252b', (2, 0, 2, 2))
_box('\u2533', (2, 2, 0, 2))
_box('\u253b', (2, 2, 2, 0))
_box('\u254b', (2, 2, 2, 2))
_box('\u2574', (1, 0, 0, 0))
_box('\u2575', (0, 0, 1, 0))
_box('\u2576', (0, 1, 0, 0))
_box('\u2577', (0, 0, 0, 1))

# ESC [ params intermediates final | ESC ] ... BEL or ST | ESC P/X/^/_ ... ST
# | ESC and one more byte (with intermediates).
ESCAPE = re.compile(
    '\x1b\\[([0-?]*)([ -/]*)([@-~])'
    '|\x1b\\][^\x07\x1b]*(?:\x07|\x1b\\\\)?'
    '|\x1b[PX^_][^\x1b]*(?:\x1b\\\\)?'
    '|\x1b[ -/]*[0-~]?')
SGR_PARAMS = re.compile('[0-9;:]*')


class Style:
    """What SGR sets; fg and bg are None (default), an index or (r, g, b)."""

    __slots__ = ('fg', 'bg', 'bold', 'dim', 'italic', 'underline',
                 'reverse', 'hidden', 'strike')

    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = self.bg = None
        self.bold = self.dim = self.italic = self.underline = False
        self.reverse = self.hidden = self.strike = False

    def copy(self):
        s = Style()
        for k in Style.__slots__:
            setattr(s, k, getattr(self, k))
        return s


def extended_colour(params, i):
    """38/48/58 at params[i]: the colour and the index after it."""
    if i + 1 < len(params) and params[i + 1] == 5:
        if i + 2 < len(params):
            return params[i + 2] & 0xff, i + 3
        return None, i + 3
    if i + 1 < len(params) and params[i + 1] == 2:
        rgb = params[i + 2:i + 5]
        if len(rgb) == 3:
            return tuple(min(v, 255) for v in rgb), i + 5
        return None, i + 5
    return None, i + 1


def sgr_subparams(style, fields):
    """One parameter with colon sub-parameters (38:2::R:G:B, 4:3)."""
    head = fields[0]
    if head in (38, 48, 58):
        if len(fields) >= 3 and fields[1] == 5:
            colour = fields[2] & 0xff
        elif len(fields) >= 5 and fields[1] == 2:
            # 38:2:R:G:B or 38:2:SPACE:R:G:B
            colour = tuple(min(v, 255) for v in fields[-3:])
        else:
            return
        if head == 38:
            style.fg = colour
        elif head == 48:
            style.bg = colour
    elif head == 4:
        style.underline = len(fields) < 2 or fields[1] != 0


def sgr(style, text):
    """Apply one SGR parameter string ("1;31", "38;5;208", "") to style."""
    params = []
    for field in text.split(';'):
        if ':' in field:
            sub = [int(v) if v.isdigit() else 0 for v in field.split(':')]
            params.append(sub)
        else:
            params.append(int(field) if field.isdigit() else 0)
    ints = [v if isinstance(v, int) else -1 for v in params]
    i = 0
    while i < len(params):
        p = params[i]
        if isinstance(p, list):
            sgr_subparams(style, p)
            i += 1
            continue
        if p in (38, 48, 58):
            colour, i = extended_colour(ints, i)
            if colour is not None and p == 38:
                style.fg = colour
            elif colour is not None and p == 48:
                style.bg = colour
            continue
        i += 1
        if p == 0:
            style.reset()
        elif p == 1:
            style.bold = True
        elif p == 2:
            style.dim = True
        elif p == 3:
            style.italic = True
        elif p in (4, 21):
            style.underline = True
        elif p == 7:
            style.reverse = True
        elif p == 8:
            style.hidden = True
        elif p == 9:
            style.strike = True
        elif p == 22:
            style.bold = style.dim = False
        elif p == 23:
            style.italic = False
        elif p == 24:
            style.underline = False
        elif p == 27:
            style.reverse = False
        elif p == 28:
            style.hidden = False
        elif p == 29:
            style.strike = False
        elif 30 <= p <= 37:
            style.fg = p - 30
        elif p == 39:
            style.fg = None
        elif 40 <= p <= 47:
            style.bg = p - 40
        elif p == 49:
            style.bg = None
        elif 90 <= p <= 97:
            style.fg = p - 90 + 8
        elif 100 <= p <= 107:
            style.bg = p - 100 + 8


def rgb_of(colour, default):
    if colour is None:
        return default
    if isinstance(colour, tuple):
        return colour
    if colour < 16:
        return PALETTE16[colour]
    if colour < 232:
        levels = (0, 95, 135, 175, 215, 255)
        n = colour - 16
        return (levels[n // 36], levels[n // 6 % 6], levels[n % 6])
    v = 8 + 10 * (colour - 232)
    return (v, v, v)


def hexrgb(rgb):
    return '#%02x%02x%02x' % rgb


def cell_width(ch):
    if unicodedata.combining(ch) or unicodedata.category(ch) in ('Mn', 'Me'):
        return 0
    if ch in '\u200b\u200c\u200d\u2060\ufeff':
        return 0
    if unicodedata.east_asian_width(ch) in ('W', 'F'):
        return 2
    return 1


def xml_ok(ch):
    o = ord(ch)
    return (o in (0x9, 0xa, 0xd) or 0x20 <= o <= 0xd7ff or
            0xe000 <= o <= 0xfffd or 0x10000 <= o <= 0x10ffff)


class Screen:
    """A grid of cells: each (text, Style), or None for a wide char's tail."""

    def __init__(self, cols, rows):
        self.cols = cols
        self.rows = rows
        blank = Style()
        self.cells = [[(' ', blank) for _ in range(cols)]
                      for _ in range(rows)]

    def put(self, y, x, ch, style, width):
        if y >= self.rows or x + width > self.cols:
            return
        row = self.cells[y]
        # Overwriting half of a wide character blanks the other half.
        if row[x] is None and x > 0:
            row[x - 1] = (' ', row[x - 1][1])
        if x + width < self.cols and row[x + width] is None:
            row[x + width] = (' ', style)
        row[x] = (ch, style)
        if width == 2:
            row[x + 1] = None

    def combine(self, y, x, ch):
        """Add a zero-width character to the cell before x."""
        while x > 0 and y < self.rows:
            x -= 1
            cell = self.cells[y][x]
            if cell is not None:
                self.cells[y][x] = (cell[0] + ch, cell[1])
                return


def parse_lines(data):
    """The input's rows: lists of (char, Style), wide characters once."""
    rows = []
    row = []
    style = Style()
    pos = 0
    while pos < len(data):
        ch = data[pos]
        if ch == '\x1b':
            m = ESCAPE.match(data, pos)
            end = m.end() if m and m.end() > pos + 1 else pos + 1
            # SGR: CSI digits m; CSI > 4 ; 1 m and the like are not.
            if (m and m.group(3) == 'm' and not m.group(2) and
                    SGR_PARAMS.fullmatch(m.group(1))):
                sgr(style, m.group(1))
            pos = end
            continue
        pos += 1
        if ch == '\n':
            rows.append(row)
            row = []
        elif ch == '\r':
            row.append(('\r', None))
        elif ch == '\t':
            row.append(('\t', style.copy()))
        elif ch == '\x08':
            row.append(('\x08', None))
        elif ord(ch) < 0x20 or ord(ch) == 0x7f or 0x80 <= ord(ch) < 0xa0:
            continue
        elif xml_ok(ch):
            row.append((ch, style.copy()))
    if row:
        rows.append(row)
    return rows


def row_cells(row):
    """The number of cells a parsed row needs."""
    x = most = 0
    for ch, _ in row:
        if ch == '\r':
            x = 0
        elif ch == '\x08':
            x = max(x - 1, 0)
        elif ch == '\t':
            x = (x // 8 + 1) * 8
        else:
            x += cell_width(ch)
        most = max(most, x)
    return most


def layout(rows, cols, nrows):
    screen = Screen(cols, nrows)
    for y, row in enumerate(rows[:nrows]):
        x = 0
        for ch, style in row:
            if ch == '\r':
                x = 0
            elif ch == '\x08':
                x = max(x - 1, 0)
            elif ch == '\t':
                x = min((x // 8 + 1) * 8, cols)
            else:
                w = cell_width(ch)
                if w == 0:
                    screen.combine(y, x, ch)
                    continue
                if x + w > cols:
                    break
                screen.put(y, x, ch, style, w)
                x += w
    return screen


def blend(fg, bg, alpha):
    return tuple(round(f * alpha + b * (1 - alpha)) for f, b in zip(fg, bg))


def resolve(style):
    """A cell's drawn (fg, bg, bold, italic, underline, strike)."""
    fg = rgb_of(style.fg, DEFAULT_FG)
    bg = rgb_of(style.bg, DEFAULT_BG)
    if style.reverse:
        fg, bg = bg, fg
    if style.dim:
        fg = blend(fg, bg, 0.55)
    if style.hidden:
        fg = bg
    return (fg, bg, style.bold, style.italic, style.underline, style.strike)


def esc(text):
    return (text.replace('&', '&amp;').replace('<', '&lt;')
            .replace('>', '&gt;').replace('"', '&quot;'))


def num(v):
    """A coordinate, short: 12, 12.5, 8.43."""
    s = '%.2f' % v
    return s.rstrip('0').rstrip('.') if '.' in s else s


class Geometry:
    def __init__(self, font_size, pad):
        self.fs = font_size
        self.cw = font_size * 0.6
        self.lh = round(font_size * 1.25)
        self.pad = pad

    def x(self, col):
        return self.pad + col * self.cw

    def y(self, row):
        return self.pad + row * self.lh


def bg_rects(screen, g):
    out = []
    for y, row in enumerate(screen.cells):
        x = 0
        while x < screen.cols:
            cell = row[x]
            bg = resolve(cell[1])[1]
            n = 2 if x + 1 < screen.cols and row[x + 1] is None else 1
            while x + n < screen.cols:
                nxt = row[x + n]
                if nxt is not None and resolve(nxt[1])[1] != bg:
                    break
                n += 1
            if bg != DEFAULT_BG:
                out.append('<rect x="%s" y="%s" width="%s" height="%s" '
                           'fill="%s"/>' % (num(g.x(x)), num(g.y(y)),
                                            num(n * g.cw), g.lh, hexrgb(bg)))
            x += n
    return out


def tspan_attrs(key):
    fg, _, bold, italic, underline, strike = key
    a = ''
    if fg != DEFAULT_FG:
        a += ' fill="%s"' % hexrgb(fg)
    if bold:
        a += ' font-weight="bold"'
    if italic:
        a += ' font-style="italic"'
    deco = [d for d, on in (('underline', underline),
                            ('line-through', strike)) if on]
    if deco:
        a += ' text-decoration="%s"' % ' '.join(deco)
    return a


def text_row(row, y, g, cols):
    """The <tspan>s of one row; box-drawing cells are left to the paths."""
    spans = []
    x = 0
    while x < cols:
        cell = row[x]
        ch, style = cell
        key = resolve(style)
        if ch in BOX:
            x += 1
            continue
        width = 2 if x + 1 < cols and row[x + 1] is None else 1
        if not ch.isascii():
            spans.append('<tspan x="%s" text-anchor="middle"%s>%s</tspan>' % (
                num(g.x(x) + width * g.cw / 2), tspan_attrs(key), esc(ch)))
            x += width
            continue
        n = 1
        while x + n < cols:
            nxt = row[x + n]
            if (nxt is None or not nxt[0].isascii() or nxt[0] in BOX or
                    resolve(nxt[1]) != key):
                break
            n += 1
        text = ''.join(c[0] for c in row[x:x + n])
        start = x
        if not (key[4] or key[5]):
            # Undecorated spaces at either end are only background.
            start += len(text) - len(text.lstrip(' '))
            text = text.strip(' ')
        if text:
            spans.append('<tspan x="%s" textLength="%s"%s>%s</tspan>' % (
                num(g.x(start)), num(len(text) * g.cw), tspan_attrs(key),
                esc(text)))
        x += n
    if not spans:
        return None
    return '<text y="%s" xml:space="preserve">%s</text>' % (
        num(g.y(y) + g.lh * 0.76), ''.join(spans))


def box_paths(screen, g):
    """The box-drawing lines, one <path> per colour and weight."""
    segs = {}

    def add(key, seg):
        segs.setdefault(key, []).append(seg)

    for y, row in enumerate(screen.cells):
        for x, cell in enumerate(row):
            if cell is None or cell[0] not in BOX:
                continue
            left, right, up, down = BOX[cell[0]]
            fg = resolve(cell[1])[0]
            x0, x1 = g.x(x), g.x(x + 1)
            y0, y1 = g.y(y), g.y(y + 1)
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            for w, a, b in ((left, x0, cx), (right, cx, x1)):
                if w:
                    add((fg, w), ('h', cy, a, b))
            for w, a, b in ((up, y0, cy), (down, cy, y1)):
                if w:
                    add((fg, w), ('v', cx, a, b))
    out = []
    for (fg, w), lst in sorted(segs.items()):
        d = []
        for kind in ('h', 'v'):
            merged = []
            for _, at, a, b in sorted(s for s in lst if s[0] == kind):
                if merged and merged[-1][0] == at and \
                        abs(merged[-1][2] - a) < 0.01:
                    merged[-1][2] = b
                else:
                    merged.append([at, a, b])
            for at, a, b in merged:
                if kind == 'h':
                    d.append('M%s %sH%s' % (num(a), num(at), num(b)))
                else:
                    d.append('M%s %sV%s' % (num(at), num(a), num(b)))
        out.append('<path d="%s" stroke="%s" stroke-width="%s" fill="none"/>'
                   % (''.join(d), hexrgb(fg), num(g.fs * 0.09 * w)))
    return out


def svg(screen, title, font_size):
    g = Geometry(font_size, pad=max(4, round(font_size * 0.8)))
    width = round(2 * g.pad + screen.cols * g.cw)
    height = round(2 * g.pad + screen.rows * g.lh)
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d" role="img">' % (width, height, width, height)]
    if title:
        out.append('<title>%s</title>' % esc(title))
    out.append('<rect width="%d" height="%d" rx="6" fill="%s"/>' % (
        width, height, hexrgb(DEFAULT_BG)))
    out.extend(bg_rects(screen, g))
    out.extend(box_paths(screen, g))
    out.append('<g font-family="%s" font-size="%s" fill="%s">' % (
        esc(FONT_FAMILY), num(g.fs), hexrgb(DEFAULT_FG)))
    for y, row in enumerate(screen.cells):
        t = text_row(row, y, g, screen.cols)
        if t is not None:
            out.append(t)
    out.append('</g>')
    out.append('</svg>')
    return '\n'.join(out) + '\n'


def positive(text):
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError('%r: not a number' % text)
    if not 1 <= v <= 1000:
        raise argparse.ArgumentTypeError('%r: not between 1 and 1000' % text)
    return v


def main():
    ap = argparse.ArgumentParser(
        description='A terminal capture with SGR escapes as SVG.')
    ap.add_argument('file', nargs='?', help='the capture (default: stdin)')
    ap.add_argument('--cols', type=positive,
                    help='columns (default: the widest line)')
    ap.add_argument('--rows', type=positive,
                    help='rows (default: the number of lines)')
    ap.add_argument('--font-size', type=positive, default=14,
                    help='font size in px (default 14)')
    ap.add_argument('--title', help='the picture\'s <title>')
    args = ap.parse_args()
    try:
        if args.file is None or args.file == '-':
            raw = sys.stdin.buffer.read()
        else:
            with open(args.file, 'rb') as f:
                raw = f.read()
    except OSError as e:
        print('ansi2svg.py: %s: %s' % (args.file, e.strerror), file=sys.stderr)
        return 1
    rows = parse_lines(raw.decode('utf-8', errors='replace'))
    cols = args.cols or max([row_cells(r) for r in rows] + [1])
    nrows = args.rows or max(len(rows), 1)
    sys.stdout.write(svg(layout(rows, cols, nrows), args.title,
                         args.font_size))
    return 0


if __name__ == '__main__':
    sys.exit(main())
