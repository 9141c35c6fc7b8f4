# Warning and sanitizer flags shared by every target of the project.
add_library(accel_build_flags INTERFACE)
target_compile_options(accel_build_flags INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(ACCEL_WERROR)
  target_compile_options(accel_build_flags INTERFACE -Werror)
endif()
target_compile_definitions(accel_build_flags INTERFACE
  QT_USE_QSTRINGBUILDER
  ACCEL_VERSION="${PROJECT_VERSION}")
if(ACCEL_SANITIZE)
  target_compile_options(accel_build_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                         -fno-sanitize-recover=undefined)
  target_link_options(accel_build_flags INTERFACE -fsanitize=address,undefined)
endif()
