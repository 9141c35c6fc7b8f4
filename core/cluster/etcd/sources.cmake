# etcd backend of the cluster area (issue 8): HTTP/JSON gateway client, leases, leader election,
# local etcd launcher, EtcdStore. Included from core/CMakeLists.txt via the cluster area.
target_sources(accel_core PRIVATE
  cluster/etcd/EtcdError.h cluster/etcd/EtcdError.cpp
  cluster/etcd/EtcdTypes.h
  cluster/etcd/EtcdCodec.h cluster/etcd/EtcdCodec.cpp
  cluster/etcd/EtcdClient.h cluster/etcd/EtcdClient.cpp
  cluster/etcd/EtcdWatch.h cluster/etcd/EtcdWatch.cpp
  cluster/etcd/EtcdLease.h cluster/etcd/EtcdLease.cpp
  cluster/etcd/LeaderElection.h cluster/etcd/LeaderElection.cpp
  cluster/etcd/EtcdProcessCluster.h cluster/etcd/EtcdProcessCluster.cpp
  cluster/etcd/EtcdBlockingClient.h cluster/etcd/EtcdBlockingClient.cpp
  cluster/etcd/EtcdStore.h cluster/etcd/EtcdStore.cpp
  cluster/etcd/EtcdFailoverBenchmark.h cluster/etcd/EtcdFailoverBenchmark.cpp
  cluster/etcd/EtcdMembership.h cluster/etcd/EtcdMembership.cpp
)
