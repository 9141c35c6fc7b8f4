#include "ci/ReportFormat.h"

#include "ci/GitHubReporter.h"
#include "ci/GitLabReporter.h"
#include "ci/JUnitWriter.h"
#include "ci/JenkinsReporter.h"
#include "ci/SummaryFormatter.h"
#include "ci/TestRun.h"

namespace accel::ci {

namespace {
constexpr ReportFormat kAll[] = {ReportFormat::JUnit,       ReportFormat::GitHub,
                                 ReportFormat::GitLabJUnit, ReportFormat::GitLabMetrics,
                                 ReportFormat::Jenkins,     ReportFormat::JenkinsProperties,
                                 ReportFormat::Summary};
}

QString reportFormatName(ReportFormat format)
{
    switch (format) {
    case ReportFormat::JUnit:
        return QStringLiteral("junit");
    case ReportFormat::GitHub:
        return QStringLiteral("github");
    case ReportFormat::GitLabJUnit:
        return QStringLiteral("gitlab-junit");
    case ReportFormat::GitLabMetrics:
        return QStringLiteral("gitlab-metrics");
    case ReportFormat::Jenkins:
        return QStringLiteral("jenkins");
    case ReportFormat::JenkinsProperties:
        return QStringLiteral("jenkins-properties");
    case ReportFormat::Summary:
        return QStringLiteral("summary");
    }
    return {};
}

std::optional<ReportFormat> reportFormatFromName(const QString &name)
{
    for (ReportFormat f : kAll) {
        if (reportFormatName(f) == name) {
            return f;
        }
    }
    return std::nullopt;
}

QStringList reportFormatNames()
{
    QStringList names;
    for (ReportFormat f : kAll) {
        names << reportFormatName(f);
    }
    return names;
}

QByteArray renderReport(const TestRun &run, ReportFormat format)
{
    switch (format) {
    case ReportFormat::JUnit:
        return JUnitWriter().write(run);
    case ReportFormat::GitHub:
        return GitHubReporter().workflowCommands(run).toUtf8();
    case ReportFormat::GitLabJUnit:
        return GitLabReporter().junit(run);
    case ReportFormat::GitLabMetrics:
        return GitLabReporter().metrics(run).toUtf8();
    case ReportFormat::Jenkins:
        return JenkinsReporter().junit(run);
    case ReportFormat::JenkinsProperties:
        return JenkinsReporter().properties(run).toUtf8();
    case ReportFormat::Summary:
        return SummaryFormatter().format(run).toUtf8();
    }
    return {};
}

} // namespace accel::ci
