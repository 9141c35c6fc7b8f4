target_sources(accel_core PRIVATE
  ci/TestRun.h ci/TestRun.cpp
  ci/XmlText.h ci/XmlText.cpp
  ci/MarkdownText.h ci/MarkdownText.cpp
  ci/CaseNames.h ci/CaseNames.cpp
  ci/JUnitWriter.h ci/JUnitWriter.cpp
  ci/GitHubReporter.h ci/GitHubReporter.cpp
  ci/GitLabReporter.h ci/GitLabReporter.cpp
  ci/JenkinsReporter.h ci/JenkinsReporter.cpp
  ci/SummaryFormatter.h ci/SummaryFormatter.cpp
  ci/ReportFormat.h ci/ReportFormat.cpp
  ci/JUnitBenchmark.h ci/JUnitBenchmark.cpp
)
