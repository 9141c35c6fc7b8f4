# accel_add_test(NAME tst_Foo SOURCES a.cpp... LIBS accel_core... LABELS unit... [TIMEOUT s] [ENV k=v...])
# One Qt Test executable per class or feature, registered with ctest under its labels.
# Every test gets a headless, hermetic environment (see tests/README.md).
function(accel_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS;ENV;ARGS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE Qt6::Test ${T_LIBS} accel_build_flags)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} ${T_ARGS})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set(env
    QT_QPA_PLATFORM=offscreen
    QTWEBENGINE_DISABLE_SANDBOX=1
    XDG_RUNTIME_DIR=${ACCEL_TEST_RUNTIME_DIR}
    LC_ALL=C.UTF-8
    LANG=C.UTF-8
    ACCEL_SOURCE_DIR=${PROJECT_SOURCE_DIR}
    ACCEL_BUILD_DIR=${PROJECT_BINARY_DIR}
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=0
    UBSAN_OPTIONS=print_stacktrace=1
    ${T_ENV})
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT} ENVIRONMENT "${env}")
  # Browsers, etcd members and node processes measure timeouts and heartbeats: on a 2-core
  # machine they run alone so their timing means what it says.
  if("browser" IN_LIST T_LABELS OR "cluster" IN_LIST T_LABELS OR "slow" IN_LIST T_LABELS)
    set_tests_properties(${T_NAME} PROPERTIES RUN_SERIAL TRUE)
  endif()
endfunction()
