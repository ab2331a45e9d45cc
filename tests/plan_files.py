"""Plan files made by the tests themselves: PDFs (a text layer in a CID font, an image-only scan, an
encrypted copy) with reportlab and pypdf, Word files with python-docx."""
from __future__ import annotations

from pathlib import Path

FONT = "STSong-Light"  # one of reportlab's built-in CID fonts: Chinese text with no font file


def write_pdf(path: Path, pages: list[list[str]], header: str | None = None, footer: str | None = "第 {n} 页 共 {total} 页",
              size: float = 11) -> Path:
    """One line of text per entry, top to bottom, with an optional running header and a page footer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    for n, lines in enumerate(pages, 1):
        if header:
            c.setFont(FONT, 9)
            c.drawCentredString(width / 2, height - 40, header)
        c.setFont(FONT, size)
        y = height - 80
        for line in lines:
            c.drawString(60, y, line)
            y -= size * 1.8
        if footer:
            c.setFont(FONT, 9)
            c.drawCentredString(width / 2, 30, footer.format(n=n, total=len(pages)))
        c.showPage()
    c.save()
    return path


def write_scanned_pdf(path: Path, pages: int = 2) -> Path:
    """Pages that are only a picture of text, as a scanner makes them: no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (400, 560), 255)
    draw = ImageDraw.Draw(image)
    for y in range(40, 520, 24):
        draw.rectangle((40, y, 360, y + 10), fill=40)  # lines of "print"
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        c.drawImage(ImageReader(image), 40, 100, width=500, height=700)
        c.showPage()
    c.save()
    return path


def encrypt_pdf(source: Path, target: Path, user_password: str, owner_password: str = "owner") -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(source).pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    with open(target, "wb") as f:
        writer.write(f)
    return target


def write_docx(path: Path, blocks: list, heading_styles: bool = True) -> Path:
    """``blocks``: strings (paragraphs; "# …" a level-1 heading, "## …" level 2) or lists (a table of one
    column, one cell per entry, as 专栏 boxes are often laid out)."""
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, list):
            table = document.add_table(rows=len(block), cols=1)
            for row, text in zip(table.rows, block):
                row.cells[0].text = text
        elif block.startswith("## ") and heading_styles:
            document.add_heading(block[3:], level=2)
        elif block.startswith("# ") and heading_styles:
            document.add_heading(block[2:], level=1)
        else:
            document.add_paragraph(block.lstrip("# "))
    section = document.sections[0]
    section.header.paragraphs[0].text = "页眉：不属于正文"
    section.footer.paragraphs[0].text = "- 1 -"
    document.save(str(path))
    return path


def add_word_list(document, num_id: int, levels: list[tuple[str, str]]) -> int:
    """Add a Word numbering definition (``levels``: (numFmt, lvlText) per level, e.g. ("chineseCounting",
    "%1、")) to ``document`` and return its numId, to give paragraphs Word's automatic numbers."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element
    lvls = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
                   f'</w:lvl>' for i, (fmt, text) in enumerate(levels))
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{num_id}">{lvls}</w:abstractNum>')
    numbering.insert(0, abstract)  # abstractNum elements come before num elements
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>'))
    return num_id


def number_paragraph(paragraph, num_id: int, level: int = 0) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
