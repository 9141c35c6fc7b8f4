target_sources(accel_ui PRIVATE
  cluster/LocalClusterControl.h
  cluster/ClusterText.h cluster/ClusterText.cpp
  cluster/ClusterItemDelegate.h cluster/ClusterItemDelegate.cpp
  cluster/ConnectDialog.h cluster/ConnectDialog.cpp
  cluster/ClusterPanel.h cluster/ClusterPanel.cpp
  cluster/TaskDetailView.h cluster/TaskDetailView.cpp
  cluster/TestRunsView.h cluster/TestRunsView.cpp
)
# Redundancy view (issue 8): coordinators, etcd members, raft chart, local HA cluster drill.
target_sources(accel_ui PRIVATE
  cluster/HaConnectDialog.h cluster/HaConnectDialog.cpp
  cluster/HaItemDelegate.h cluster/HaItemDelegate.cpp
  cluster/HaView.h cluster/HaView.cpp
)
