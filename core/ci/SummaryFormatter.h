#pragma once

#include <QString>

namespace accel::ci {

class TestRun;

/// A plain-text table of a run for terminals and logs: one row per case (status, time,
/// attempts, name; the message under failing rows), then the totals and the verdict.
/// Control characters from names and messages are replaced with U+FFFD so a test cannot send
/// escape sequences to the operator's terminal.
class SummaryFormatter
{
public:
    QString format(const TestRun &run) const;

    /// `text` with C0/C1 controls and DEL replaced by U+FFFD; newlines too unless `keepNewlines`.
    static QString terminalSafe(const QString &text, bool keepNewlines = false);
};

} // namespace accel::ci
