# The shard-host runtime page (hosts area): served by core/hosts/RuntimeServer from :/runtime/.
qt_add_resources(accel_runtime "accel_runtime_hosts"
  PREFIX "/runtime"
  BASE ${CMAKE_CURRENT_LIST_DIR}
  FILES
    ${CMAKE_CURRENT_LIST_DIR}/host.html
    ${CMAKE_CURRENT_LIST_DIR}/host.js
    ${CMAKE_CURRENT_LIST_DIR}/protocol.js
    ${CMAKE_CURRENT_LIST_DIR}/runs.js
    ${CMAKE_CURRENT_LIST_DIR}/data-channel.js
    ${CMAKE_CURRENT_LIST_DIR}/links.js
    ${CMAKE_CURRENT_LIST_DIR}/link-broker.js
    ${CMAKE_CURRENT_LIST_DIR}/capabilities.js
    ${CMAKE_CURRENT_LIST_DIR}/echo.html
    ${CMAKE_CURRENT_LIST_DIR}/echo.js)
