# etcd commands (issue 8): `accelctl bench failover` and `accelctl etcd members|member-add|member-remove`.
target_sources(accelctl PRIVATE commands/etcdBench.cpp commands/etcdMembers.cpp)
