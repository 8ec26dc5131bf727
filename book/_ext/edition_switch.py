"""The course's two editions, English (``_build/html``) and Chinese (``_build/html/zh``), built
from the same sources (``scripts/editions.py`` builds the Chinese one with ``language=zh_CN``).

On every page:

- **A language switch** in the header, next to the download and full-screen buttons, leading to
  the same page in the other edition ("中文" on English pages, "English" on Chinese ones), and
  ``<link rel="alternate" hreflang=…>`` links saying where the other edition of the page is.

On the Chinese pages only:

- the theme's own strings that ``_config.yml`` sets in English (the search box's placeholder,
  the footer) in Chinese;
- on a chapter, a line under the title saying what the launch buttons open: Binder and Colab
  open the notebook from the repository, which is the English one (the code is the same); the
  download button gives the Chinese notebook (``translated_notebooks.py`` writes it).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

ZH_DIR = "zh"
ZH_SEARCH = "搜索本书…"
ZH_FOOTER = (
    "<p>对应课程：深度学习理论与实践 · 第三课：卷积神经网络（中国科学院大数据挖掘与知识管理重点实验室）。"
    "公式在网站构建时由 KaTeX 排版；字体和脚本都由本站提供：阅读本站不会向其他网站发出任何请求。</p>\n"
)
ZH_LAUNCH_NOTE = (
    "本章是一个 Jupyter 笔记本。页首的 Binder、Colab 按钮打开的是仓库里的英文版笔记本（代码与本页相同，"
    "只是文字为英文）；要在 Jupyter 或 Colab 中运行中文版，请用下载按钮（.ipynb）下载本页的中文笔记本，"
    "再在 Jupyter 中打开或上传到 Colab。"
)


def is_chinese(app: Sphinx) -> bool:
    return (app.config.language or "en").lower().startswith("zh")


def other_edition_url(pagename: str, chinese: bool) -> str:
    """The same page in the other edition, relative to this page."""
    up = "../" * pagename.count("/")
    if chinese:
        return "../" + up + pagename + ".html"
    return up + ZH_DIR + "/" + pagename + ".html"


def add_switch(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    chinese = is_chinese(app)
    url = other_edition_url(pagename, chinese)
    buttons = context.get("header_buttons")
    if buttons is not None:
        buttons.append({
            "type": "link",
            "url": url,
            "text": "English" if chinese else "中文",
            "tooltip": "Read this page in English" if chinese else "阅读本页的中文版",
            "icon": "fas fa-language",
            "label": "edition-switch-button",
        })
    here, there = ("zh-Hans", "en") if chinese else ("en", "zh-Hans")
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="{there}" href="{url}" />'
    )
    if chinese:
        context["theme_search_bar_text"] = ZH_SEARCH
        context["theme_extra_footer"] = ZH_FOOTER


def add_launch_note(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """On a Chinese chapter (a notebook page), say what Binder/Colab open, under the title."""
    if not is_chinese(app) or not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    note = nodes.paragraph("", ZH_LAUNCH_NOTE, classes=["edition-launch-note"])
    title = next(iter(section.findall(nodes.title)))
    section.insert(section.index(title) + 1, note)


def setup(app: Sphinx) -> dict:
    # after the theme has made its header buttons (priority 501)
    app.connect("html-page-context", add_switch, priority=900)
    app.connect("doctree-resolved", add_launch_note)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
