"""The exceptions the library raises; interfaces turn them into messages.

Each carries an English ``str()`` for developers and a Chinese ``message_zh``
for end users.
"""
from __future__ import annotations


class AssistantError(Exception):
    """Base class: something the caller can act on."""

    message_zh = "处理请求时出错。"

    def __init__(self, detail: str, message_zh: str | None = None):
        super().__init__(detail)
        if message_zh:
            self.message_zh = message_zh


class StructureError(AssistantError):
    """The plan text has no recognisable structure (no parts or no tasks)."""

    message_zh = "无法识别规划文本的结构（未找到“一、”式的部分标题或“1.”式的任务）。"


class InputError(AssistantError):
    """The question is empty, too long or not text."""

    message_zh = "问题无效，请输入一个中文问题。"


class IndexError_(AssistantError):
    """The search index cannot be built or read."""

    message_zh = "检索索引无法建立或读取，请运行 `assistant index` 重建。"


class NotFound(AssistantError):
    """A task or part that the plan does not have."""

    message_zh = "规划中没有这一项。"


class PlanFileError(AssistantError):
    """A plan file that cannot be imported: unknown type, too large, encrypted, no text layer, unreadable."""

    message_zh = "无法导入该规划文件。"


class PlanRegistryError(AssistantError):
    """An added plan that does not exist, an id already taken, or a store that cannot be written."""

    message_zh = "规划库操作失败。"
