#pragma once

#include <QtGlobal>

namespace accel {
class Clock;
}

namespace accel::ci {

class TestRun;

/// `accelctl bench report`: JUnitWriter against a plain QXmlStreamWriter loop that writes the
/// same elements and attributes with no sanitising, no duplicate-name pass and no output
/// truncation — the price of the guarantees, measured side by side in one run.
class JUnitBenchmark
{
public:
    struct Result
    {
        int cases = 0;
        int rounds = 0;
        double writerCasesPerSec = 0;
        double plainCasesPerSec = 0;
        qsizetype writerBytes = 0;
        qsizetype plainBytes = 0;
        double ratio() const { return plainCasesPerSec > 0 ? writerCasesPerSec / plainCasesPerSec : 0; }
    };

    /// A suite of `cases` cases with a realistic mix: 90 % passed, 5 % failed with a message and
    /// a few KiB of output, 3 % skipped, 2 % errors, every tenth case retried and flaky, two
    /// properties and a metric each.
    static TestRun workload(int cases);

    /// Writes the workload `rounds` times with each writer, interleaved, and keeps the best round
    /// of each (the least disturbed by other processes on the machine).
    static Result run(int cases, int rounds, const Clock *clock);

    /// The baseline writer, public so the tests can check it writes the same structure.
    static QByteArray writePlain(const TestRun &run);
};

} // namespace accel::ci
