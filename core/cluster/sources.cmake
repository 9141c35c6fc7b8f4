target_sources(accel_core PRIVATE
  cluster/StoreTypes.h
  cluster/CoordinatorStore.h cluster/CoordinatorStore.cpp
  cluster/SqliteStore.h cluster/SqliteStore.cpp
  cluster/TaskSpec.h cluster/TaskSpec.cpp
  cluster/WorkerCapabilities.h cluster/WorkerCapabilities.cpp
  cluster/ClusterProtocol.h cluster/ClusterProtocol.cpp
  cluster/Scheduler.h cluster/Scheduler.cpp
  cluster/FailureDetector.h cluster/FailureDetector.cpp
  cluster/RecoveryPolicy.h cluster/RecoveryPolicy.cpp
  cluster/WorkerLink.h
  cluster/Coordinator.h cluster/Coordinator.cpp cluster/CoordinatorApi.cpp cluster/CoordinatorInternal.h
  cluster/CoordinatorPersistence.cpp cluster/CoordinatorRecovery.cpp cluster/CoordinatorWorkerLinks.cpp
  cluster/AccessToken.h cluster/AccessToken.cpp
  cluster/CoordinatorServer.h cluster/CoordinatorServer.cpp
  cluster/TaskRunner.h cluster/TaskRunner.cpp
  cluster/ModelBenchmarkTask.h cluster/ModelBenchmarkTask.cpp
  cluster/Worker.h cluster/Worker.cpp
  cluster/BrowserProbe.h cluster/BrowserProbe.cpp
  cluster/BrowserProber.h cluster/BrowserProber.cpp
  cluster/ClusterClient.h cluster/ClusterClient.cpp
  cluster/SchedulerBenchmark.h cluster/SchedulerBenchmark.cpp
)
target_sources(accel_core PRIVATE
  cluster/ClusterConnection.h cluster/ClusterConnection.cpp cluster/ClusterConnectionRequests.cpp
  cluster/ClusterConnectionUpdates.cpp
  cluster/ClusterTableModel.h cluster/ClusterTableModel.cpp
  cluster/ClusterWorkersModel.h cluster/ClusterWorkersModel.cpp
  cluster/ClusterSuitesModel.h cluster/ClusterSuitesModel.cpp
  cluster/ClusterTasksModel.h cluster/ClusterTasksModel.cpp
)
# Redundant coordinators on etcd (issue 8): leader/follower lifecycle of accelerate-node.
target_sources(accel_core PRIVATE cluster/CoordinatorNode.h cluster/CoordinatorNode.cpp
  cluster/CoordinatorReadView.h cluster/CoordinatorReadView.cpp
  cluster/TaskHistoryChecker.h cluster/TaskHistoryChecker.cpp)
# Console HA view backend (issue 8): polls etcd members and redundant coordinators; runs a local
# 3 etcd + 3 coordinator cluster for fault drills.
target_sources(accel_core PRIVATE
  cluster/HaCoordinatorsModel.h cluster/HaCoordinatorsModel.cpp
  cluster/HaMembersModel.h cluster/HaMembersModel.cpp
  cluster/HaMonitor.h cluster/HaMonitor.cpp
)
target_sources(accel_core PRIVATE cluster/LocalHaCluster.h cluster/LocalHaCluster.cpp
  cluster/LocalHaClusterInternal.h cluster/LocalHaClusterCoordinators.cpp cluster/LocalHaClusterMembers.cpp)
