#pragma once

#include <QString>

namespace accel::ci {

/// Text made safe for one cell of a GitHub-flavoured Markdown table: control characters
/// dropped, `& < >` as HTML entities (no raw HTML from test output reaches the page), Markdown
/// punctuation that works inside a cell backslash-escaped (`|` cannot end the cell, `*` `_` `~` do not
/// format, `$` starts no math), line breaks as <br>, and at most `maxChars` characters of the input (an
/// ellipsis marks a cut).
QString markdownCell(const QString &text, qsizetype maxChars = 300);

} // namespace accel::ci
