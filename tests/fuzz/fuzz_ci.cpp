// Fuzz target for core/ci: TestRun::fromJson on arbitrary bytes. Whatever parses must round-trip
// through toJson, and every report format must be produced without crashing; the JUnit document
// must be well-formed XML with one <testcase> per case and the OpenMetrics text must end in # EOF.
#include "ci/GitHubReporter.h"
#include "ci/JUnitWriter.h"
#include "ci/ReportFormat.h"
#include "ci/TestRun.h"

#include <QXmlStreamReader>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {
[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_ci: %s\n", what);
    std::abort();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace accel::ci;
    accel::ci::TestRunLimits limits;
    limits.maxDocumentBytes = 1024 * 1024;
    limits.maxCases = 2000;
    TestRunError error;
    const auto run =
        TestRun::fromJson(QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)), &error, limits);
    if (!run) {
        if (error.message.isEmpty()) {
            fail("rejected without a message");
        }
        return 0;
    }
    const auto again = TestRun::fromJson(run->toJson(), &error, limits);
    if (!again || !(*again == *run)) {
        fail("toJson/fromJson is not the identity");
    }
    for (const QString &name : reportFormatNames()) {
        const QByteArray out = renderReport(*run, *reportFormatFromName(name));
        if (out.isEmpty()) {
            fail("empty report");
        }
        if (name == QLatin1String("gitlab-metrics") && !out.endsWith("# EOF\n")) {
            fail("metrics without # EOF");
        }
    }
    const GitHubReporter github;
    (void)github.stepSummary(*run);
    (void)github.formatOutputs(github.outputs(*run));

    QXmlStreamReader xml(JUnitWriter().write(*run));
    qsizetype testcases = 0;
    while (!xml.atEnd()) {
        if (xml.readNext() == QXmlStreamReader::StartElement && xml.name() == QLatin1String("testcase")) {
            ++testcases;
        }
    }
    if (xml.hasError()) {
        std::fprintf(stderr, "%s\n", qPrintable(xml.errorString()));
        fail("JUnit output is not well-formed");
    }
    if (testcases != run->cases.size()) {
        fail("testcase count differs");
    }
    return 0;
}
