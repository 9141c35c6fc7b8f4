#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace accel::ci {

class TestRun;

/// The formats `accelctl report --format` writes. No valid zero value.
enum class ReportFormat {
    JUnit = 1,
    GitHub,
    GitLabJUnit,
    GitLabMetrics,
    Jenkins,
    JenkinsProperties,
    Summary
};

std::optional<ReportFormat> reportFormatFromName(const QString &name);
QString reportFormatName(ReportFormat format);
QStringList reportFormatNames();

/// The report text of `run` in `format`. For GitHub this is the workflow-command stream; the
/// step summary and outputs are files that GitHubReporter::publish appends to.
QByteArray renderReport(const TestRun &run, ReportFormat format);

} // namespace accel::ci
