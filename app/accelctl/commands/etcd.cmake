# etcd benchmarks (issue 8). The lead adds "etcd" to the area list in app/accelctl/CMakeLists.txt
# (or includes this file from commands/cluster.cmake).
target_sources(accelctl PRIVATE commands/etcdBench.cpp)
