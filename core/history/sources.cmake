target_sources(accel_core PRIVATE
  history/Statistics.h history/Statistics.cpp
  history/RankFenwick.h history/RankFenwick.cpp
  history/MetricDefinition.h history/MetricDefinition.cpp
  history/MetricCatalogue.h history/MetricCatalogue.cpp
  history/SeriesCsvReader.h history/SeriesCsvReader.cpp
  history/TrendAnalyzer.h history/TrendAnalyzer.cpp
  history/ChangePointDetector.h history/ChangePointDetector.cpp
  history/AnomalyDetector.h history/AnomalyDetector.cpp
  history/Forecaster.h history/Forecaster.cpp
  history/SeriesAnalysis.h history/SeriesAnalysis.cpp
  history/RegressionGate.h history/RegressionGate.cpp
  history/SyntheticSeries.h history/SyntheticSeries.cpp
  history/MetricSample.h
  history/SeriesAnalysisModel.h history/SeriesAnalysisModel.cpp
  history/ChangePointTableModel.h history/ChangePointTableModel.cpp
  history/BrowserProfiles.h history/BrowserProfiles.cpp
  history/BrowserProfileTableModel.h history/BrowserProfileTableModel.cpp
  history/MetricsStore.h history/MetricsStore.cpp
  history/MetricsStoreWorker.h history/MetricsStoreWorker.cpp
)
target_sources(accel_core PRIVATE history/HistoryBenchmark.h history/HistoryBenchmark.cpp)
# The benchmark compares against raw sqlite3 C-API inserts (libsqlite3-dev is in install-deps).
find_package(SQLite3 REQUIRED)
target_link_libraries(accel_core PRIVATE SQLite::SQLite3)
