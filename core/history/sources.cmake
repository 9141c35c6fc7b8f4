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
  history/SyntheticSeries.h history/SyntheticSeries.cpp
  history/MetricSample.h
  history/MetricsStore.h history/MetricsStore.cpp
  history/MetricsStoreWorker.h history/MetricsStoreWorker.cpp
)
