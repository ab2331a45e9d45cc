"""Read a plan file into pages of text lines: PDF (text layer), DOCX, TXT/MD.

Nothing here interprets the text; it only gets it out of the container and
rejects files that cannot give it (see ``read_document``). The size is
checked before a byte is read.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "plan.txt"
>>> _ = p.write_text("一、总则\\n1.做好工作。\\f二、保障\\n", "utf-8")
>>> read_document(p).pages
[['一、总则', '1.做好工作。'], ['二、保障', '']]
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import PlanFileError

MAX_BYTES = 200 * 1024 * 1024
SUFFIXES = (".pdf", ".docx", ".txt", ".md")
# A PDF page with fewer visible characters than this on average has no usable text layer.
MIN_CHARS_PER_PAGE = 20
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Document:
    """A file's text as it came out: ``pages`` of lines (one page for a DOCX or a text file without form feeds)."""

    path: Path
    kind: str  # "pdf" | "docx" | "txt"
    pages: list[list[str]]

    @property
    def paginated(self) -> bool:
        """True when lines are laid out on pages (a PDF, a text file with form feeds): headers, footers and
        page numbers can be told by their place on the page."""
        return len(self.pages) > 1


def read_document(path: str | Path, max_bytes: int = MAX_BYTES) -> Document:
    """The text of a .pdf, .docx, .txt or .md file; PlanFileError when it cannot be had."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise PlanFileError(
            f"{path.name}: unsupported file type {suffix or '(none)'!r}; use one of {', '.join(SUFFIXES)}",
            f"不支持的文件类型“{suffix or '无扩展名'}”：请提供 PDF、Word（.docx）或文本（.txt/.md）文件。")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise PlanFileError(f"no such file: {path}", f"找不到文件：{path}") from None
    except OSError as e:
        raise PlanFileError(f"cannot read {path}: {e.strerror}", f"无法读取文件：{path}") from None
    if not path.is_file():
        raise PlanFileError(f"{path} is not a file", f"{path} 不是文件。")
    if size > max_bytes:
        raise PlanFileError(
            f"{path.name} is {size / 2**20:.0f} MB; the limit is {max_bytes / 2**20:.0f} MB",
            f"文件过大（{size / 2**20:.0f} MB），上限为 {max_bytes / 2**20:.0f} MB。")
    if size == 0:
        raise PlanFileError(f"{path.name} is empty", "文件是空的。")
    reader = {".pdf": _read_pdf, ".docx": _read_docx}.get(suffix, _read_text)
    return reader(path)


def _read_text(path: Path) -> Document:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise PlanFileError(f"{path.name} is binary, not text", "文件不是文本文件。")
    for encoding in ("utf-8-sig", "gb18030"):  # gb18030: Chinese text saved by older Windows tools
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise PlanFileError(f"{path.name} is neither UTF-8 nor GB18030 text", "无法识别文本编码（需要UTF-8或GBK）。")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    pages = [page.split("\n") for page in text.split("\f")]
    if path.suffix.lower() == ".md":
        pages = [[_plain_markdown(line) for line in page] for page in pages]
    return Document(path, "txt", pages)


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+|\s+#+\s*$")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?")


def _plain_markdown(line: str) -> str:
    """A Markdown line as text: no heading hashes, bold marks or quote marks.

    >>> _plain_markdown("## **一、总体要求**"), _plain_markdown("> 专栏1 主要指标")
    ('一、总体要求', '专栏1 主要指标')
    """
    return _MD_EMPHASIS.sub(r"\2", _MD_QUOTE.sub("", _MD_HEADING.sub("", line)))


def _read_pdf(path: Path) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    encrypted = PlanFileError(
        f"{path.name} is encrypted (password-protected); save an unprotected copy and add that",
        "PDF 文件已加密（设有打开密码），请先另存为未加密的副本再导入。")
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):  # an owner-password-only file opens with ""
            raise encrypted
        pages = [page.extract_text() or "" for page in reader.pages]
    except (FileNotDecryptedError, DependencyError):
        raise encrypted from None
    except PlanFileError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError) as e:
        raise PlanFileError(f"{path.name} is not a readable PDF ({e})", "PDF 文件已损坏或无法读取。") from None
    if not pages:
        raise PlanFileError(f"{path.name} has no pages", "PDF 文件没有页面。")
    visible = sum(len("".join(p.split())) for p in pages)
    if visible < MIN_CHARS_PER_PAGE * len(pages):
        raise PlanFileError(
            f"{path.name} has no text layer ({visible} characters on {len(pages)} pages): it looks like a "
            "scanned image; run OCR on it first or use the Word/text version",
            "PDF 没有文字层（可能是扫描件），请先进行文字识别（OCR），或改用 Word / 文本版本。")
    return Document(path, "pdf", [p.split("\n") for p in pages])


def _read_docx(path: Path) -> Document:
    import docx

    with open(path, "rb") as f:
        head = f.read(8)
    if head == _OLE_MAGIC:  # an OLE container: an encrypted OOXML package, or a legacy .doc renamed
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise PlanFileError(f"{path.name} is encrypted (password-protected); save an unprotected copy",
                                "Word 文件已加密（设有打开密码），请先另存为未加密的副本再导入。")
        raise PlanFileError(f"{path.name} is a legacy Word .doc, not .docx; save it as .docx",
                            "这是旧版 Word（.doc）文件，请另存为 .docx 后再导入。")
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as e:
        raise PlanFileError(f"{path.name} is not a readable .docx ({e})", "Word 文件已损坏或无法读取。") from None
    label = _ListNumbers(document)
    lines: list[str] = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):  # a table (专栏 boxes are often one-cell tables): its cells, row by row
            for row in block.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell appears once per column it spans
                        continue
                    seen.add(id(cell._tc))
                    lines.extend(label(p) + p.text for p in cell.paragraphs)
            lines.append("")
        else:
            lines.append(label(block) + block.text)
    return Document(path, "docx", [lines])


class _ListNumbers:
    """The numbers Word draws before auto-numbered paragraphs ("1." "（一）" "第一章"), which are not in their text.

    Follows the paragraph's own numbering or its style's, counts per list and level (a level's count restarts
    when a higher level moves on), and formats decimal and Chinese counting; bullets and other formats add
    nothing.
    """

    def __init__(self, document):
        from docx.oxml.ns import qn

        self.qn = qn
        self.counts: dict[str, list[int]] = {}
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # numId → ilvl → (start, format, text)
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(qn("w:abstractNumId")): a for a in numbering.findall(qn("w:abstractNum"))}
        for num in numbering.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            a = abstract.get(ref.get(qn("w:val"))) if ref is not None else None
            if a is None:
                continue
            levels = {}
            for lvl in a.findall(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl")))] = (_val(lvl, "w:start", qn, "1"), _val(lvl, "w:numFmt", qn, "decimal"),
                                                      _val(lvl, "w:lvlText", qn, ""))
            for override in num.findall(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                ilvl = int(override.get(qn("w:ilvl")))
                if start is not None and ilvl in levels:
                    levels[ilvl] = (start.get(qn("w:val")),) + levels[ilvl][1:]
            self.levels[num.get(qn("w:numId"))] = {k: (int(v[0]), v[1], v[2]) for k, v in levels.items()}

    def __call__(self, paragraph) -> str:
        num_id, ilvl = self._num_pr(paragraph)
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counts = self.counts.setdefault(num_id, [levels.get(i, (1,))[0] - 1 for i in range(9)])
        counts[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = levels.get(deeper, (1,))[0] - 1
        start, fmt, text = levels[ilvl]
        if fmt in ("bullet", "none") or not text:
            return ""

        def number(m) -> str:
            level = int(m.group(1)) - 1
            return _format(max(counts[level], 1), levels.get(level, (1, "decimal", ""))[1])
        return re.sub(r"%([1-9])", number, text)

    def _num_pr(self, paragraph) -> tuple[str | None, int]:
        qn = self.qn
        candidates = [paragraph._p.pPr]
        style = paragraph.style
        while style is not None:
            candidates.append(style.element.pPr)
            style = style.base_style
        for ppr in candidates:
            num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
            if num_pr is None:
                continue
            num_id = num_pr.find(qn("w:numId"))
            ilvl = num_pr.find(qn("w:ilvl"))
            if num_id is None:
                continue
            return num_id.get(qn("w:val")), int(ilvl.get(qn("w:val"))) if ilvl is not None else 0
        return None, 0


def _val(element, tag: str, qn, default: str) -> str:
    child = element.find(qn(tag))
    return child.get(qn("w:val"), default) if child is not None else default


def _format(n: int, fmt: str) -> str:
    from ..text import int_to_cn

    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "chineseLegalSimplified"):
        return int_to_cn(n) if n < 100 else str(n)
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26)
        return letter if fmt == "upperLetter" else letter.lower()
    return str(n)
