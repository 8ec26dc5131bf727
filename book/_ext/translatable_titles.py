"""Exercise titles and tables inside directives: translatable; exercise titles shown as
"Exercise 4.1 — title".

sphinx-exercise builds an unnumbered exercise's title from its directive's argument
("4.1 — ZFNet's first layer") as inline text with no source position, and a post-transform
later rebuilds it as "Exercise (4.1 — ZFNet's first layer)". Sphinx only extracts and
translates text whose node knows its source, so the titles never reached the catalogs and
stayed English on the Chinese pages; and the parentheses read oddly.

- Before Sphinx's translation transform runs (read time), each subtitle is given its
  directive's source, line and raw text: the Chinese edition translates it from the catalog.
- Before sphinx-exercise's own title post-transform, each exercise's title is rebuilt as
  "Exercise" (sphinx-exercise's word, translated by its own catalog), a space and the subtitle;
  for the gettext builder the subtitle node itself is kept in the title, so that the message
  extraction (which reads the post-transformed tree) finds it.
"""

from __future__ import annotations

from os import path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.locale import init as init_locale
from sphinx.util.i18n import docname_to_domain
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform


def _source_holder(node):
    holder = node.parent
    while holder is not None and not holder.source:
        holder = holder.parent
    return holder


class ExerciseSubtitlesTranslatable(SphinxTransform):
    default_priority = 15  # sphinx.transforms.i18n.Locale runs at 20

    def apply(self, **kwargs) -> None:
        from sphinx_exercise.nodes import exercise_subtitle

        # a table inside a directive (an admonition, a solution): MyST gives its cells' paragraphs
        # their raw text but no source position, so they too were never extracted
        for entry in self.document.findall(nodes.entry):
            for paragraph in entry.findall(nodes.paragraph):
                holder = None if paragraph.source else _source_holder(paragraph)
                if holder is not None and paragraph.rawsource:
                    paragraph.source, paragraph.line = holder.source, holder.line
        for subtitle in self.document.findall(exercise_subtitle):
            if subtitle.source and subtitle.rawsource:
                continue
            holder = _source_holder(subtitle)
            if holder is None:
                continue
            subtitle.source, subtitle.line = holder.source, holder.line
            # the titles are plain text (no markup): what the reader sees is the source
            subtitle.rawsource = subtitle.astext()


class ExerciseTitles(SphinxPostTransform):
    default_priority = 19  # sphinx_exercise's ResolveTitlesInExercises runs at 20

    def run(self, **kwargs) -> None:
        from sphinx_exercise.nodes import exercise_node, exercise_subtitle, exercise_title

        for node in self.document.findall(exercise_node):  # unnumbered exercises
            title = node.children[0] if node.children else None
            if not isinstance(title, exercise_title) or len(title.children) < 2:
                continue
            subtitle = title.children[1]
            if not isinstance(subtitle, exercise_subtitle):
                continue
            new = nodes.title()
            new += title.children[0].deepcopy()  # "Exercise", in the page's language
            new += nodes.Text(" ")
            if self.app.builder.name == "gettext":
                kept = subtitle.deepcopy()
                # the catalog takes a message only from a node Sphinx versioned (it has a uid)
                kept.uid = getattr(subtitle, "uid", "")
                new += kept
            else:
                for child in subtitle.children:
                    new += child.deepcopy()
            new.parent = node
            node.children[0] = new
            node.resolved_title = True


class TocTreeTitles(SphinxTransform):
    """The table of contents' captions and chapter titles (from ``_toc.yml``) translated.

    sphinx-external-toc inserts the toctree after Sphinx's translation transform has run
    (priority 100 > 20) and without ``rawentries``, so the titles were never extracted and the
    captions never translated: the Chinese sidebar was English. Right after the insertion, the
    titles are recorded as the toctree's messages (gettext extracts them with the caption) and,
    in a translated build, caption and titles are looked up in the page's catalog.
    """

    default_priority = 101  # sphinx_external_toc's InsertToctrees runs at 100

    def apply(self, **kwargs) -> None:
        toctrees = list(self.document.findall(addnodes.toctree))
        if not toctrees:
            return
        translate = None
        language = self.config.language
        if language and language != "en" and self.config.locale_dirs:
            domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
            dirs = [path.join(self.env.srcdir, d) for d in self.config.locale_dirs]
            catalog, has_catalog = init_locale(dirs, language, domain)
            if has_catalog:
                translate = catalog.gettext
        for toctree in toctrees:
            toctree["rawentries"] = [title for title, _ref in toctree["entries"] if title]
            if translate is None:
                continue
            if toctree.get("caption"):
                toctree["caption"] = translate(toctree["caption"])
            toctree["entries"] = [(translate(title) if title else title, ref)
                                  for title, ref in toctree["entries"]]


def translate_solution_titles(app: Sphinx, doctree, docname: str) -> None:
    """sphinx-exercise's zh_CN catalog has "Exercise" (练习) but not "Solution"."""
    if not (app.config.language or "").lower().startswith("zh"):
        return
    from sphinx_exercise.nodes import solution_node

    for solution in doctree.findall(solution_node):
        for title in solution.findall(nodes.title):
            for text in list(title.findall(nodes.Text)):
                if text.astext().strip() == "Solution":
                    text.parent.replace(text, nodes.Text(text.astext().replace("Solution", "解答")))
            break


def setup(app: Sphinx) -> dict:
    app.add_transform(TocTreeTitles)
    app.connect("doctree-resolved", translate_solution_titles)
    app.add_transform(ExerciseSubtitlesTranslatable)
    app.add_post_transform(ExerciseTitles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
