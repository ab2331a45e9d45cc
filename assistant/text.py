"""Chinese text helpers: normalisation, numerals, sentences and tokens.

>>> cn_to_int("十九"), cn_to_int("三十八"), cn_to_int("19")
(19, 38, 19)
>>> [s for _, _, s in split_sentences("推进建设。加强传播;开展活动!")]
['推进建设。', '加强传播;', '开展活动!']
>>> [s for _, _, s in split_sentences('成效显著。"科创中国"能力提升。')]
['成效显著。', '"科创中国"能力提升。']
"""
from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import zhconv

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMERAL = "[零〇一二两三四五六七八九十百]+"


def cn_to_int(text: str) -> int | None:
    """Arabic or Chinese numeral (up to 999) → int; None when not a numeral."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or not re.fullmatch(CN_NUMERAL, text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


def int_to_cn(n: int) -> str:
    """1 → '一', 10 → '十', 19 → '十九', 38 → '三十八' (up to 99)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def normalize(text: str) -> str:
    """Fold a question towards the corpus: NFKC width folding, simplified
    characters, no whitespace between Chinese characters, no control chars.

    >>> normalize("第十九項任務 ？")
    '第十九项任务?'
    """
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    text = zhconv.convert(text, "zh-cn")
    text = re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", text)
    return re.sub(r"\s+", " ", text).strip()


def compact(text: str) -> str:
    """Text without any whitespace: the form in which quotes are compared."""
    return re.sub(r"\s+", "", text)


def longest_shared(part: str, whole: str, shortest: int = 1) -> str:
    """The longest substring of ``part`` (at least ``shortest`` characters) found in ``whole``.

    >>> longest_shared("实施平战结合科普能力提升工程", "平战结合科普要做什么", 4)
    '平战结合科普'
    """
    for size in range(len(part), shortest - 1, -1):
        for i in range(len(part) - size + 1):
            if part[i:i + size] in whole:
                return part[i:i + size]
    return ""


SENTENCE_END = "。！？!?;；"


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int, str]]:
    """Split on Chinese sentence ends; return (start, end, sentence) with
    character offsets (``offset`` added) so a sentence can be found again."""
    out = []
    start = 0
    for m in re.finditer(f"[{SENTENCE_END}]+[\"”’」』]?", text):
        end = m.end()
        # an ASCII quote after the stop closes the sentence only if one is open
        if text[end - 1] == '"' and text[start:end - 1].count('"') % 2 == 0:
            end -= 1
        if text[start:end].strip():
            out.append((offset + start, offset + end, text[start:end]))
        start = end
    if text[start:].strip():
        out.append((offset + start, offset + len(text), text[start:]))
    return out


class Tokenizer:
    """jieba with the plan's own terms (so 平战结合 and 科普中国 stay whole)
    and a stopword list; jieba's cache goes to ``cache_dir``, not /tmp."""

    def __init__(self, cache_dir: Path, userdict: Path | None = None, stopwords: Path | None = None):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        logging.getLogger("jieba").setLevel(logging.WARNING)
        cache_dir.mkdir(parents=True, exist_ok=True)
        self._jieba = jieba.Tokenizer()
        self._jieba.tmp_dir = str(cache_dir)
        self._jieba.cache_file = str(cache_dir / "jieba.cache")
        if userdict is not None and userdict.exists():
            self._jieba.load_userdict(str(userdict))
        self._pos = None
        self.stopwords = set()
        if stopwords is not None and stopwords.exists():
            self.stopwords = {w.strip() for w in stopwords.read_text("utf-8").split() if w.strip()}

    def words(self, text: str) -> list[str]:
        """All jieba words (search mode), stopwords and punctuation kept."""
        return [w for w in self._jieba.cut_for_search(normalize(text)) if w.strip()]

    @property
    def pos_tokenizer(self):
        """jieba's part-of-speech tokenizer over the same dictionary (one per Tokenizer: jieba
        moves the user dictionary's tags into the first POSTokenizer made from it)."""
        if self._pos is None:
            import jieba.posseg

            self._pos = jieba.posseg.POSTokenizer(self._jieba)
        return self._pos

    def tagged(self, text: str) -> list[tuple[str, str]]:
        """(word, part of speech) pairs that cover ``text`` exactly, with no normalisation:
        "建设科普中国服务平台" → [("建设", "vn"), ("科普中国", "n"), ("服务平台", "n")]."""
        return [(p.word, p.flag) for p in self.pos_tokenizer.cut(text)]

    def tokens(self, text: str) -> list[str]:
        """Content tokens for BM25: search-mode words without stopwords or punctuation."""
        out = []
        for w in self.words(text):
            w = w.lower()
            if w in self.stopwords or not re.search(r"[\w]", w):
                continue
            out.append(w)
        return out


@lru_cache(maxsize=4)
def load_tokenizer(cache_dir: str, userdict: str, stopwords: str) -> Tokenizer:
    """One tokenizer a process per set of files (jieba's start-up is slow)."""
    return Tokenizer(Path(cache_dir), Path(userdict), Path(stopwords))
