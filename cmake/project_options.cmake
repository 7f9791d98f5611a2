# Warning and sanitizer flags for shikong's own targets (never for third-party code).
add_library(shikong_options INTERFACE)
target_compile_options(shikong_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wno-missing-field-initializers
  # GCC 12 reports false overlaps in std::string at -O3 (GCC bug 105329).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
if(SHIKONG_WERROR)
  target_compile_options(shikong_options INTERFACE -Werror)
endif()
target_include_directories(shikong_options INTERFACE ${PROJECT_SOURCE_DIR}/src)
if(SHIKONG_SANITIZE)
  target_compile_options(shikong_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(shikong_options INTERFACE -fsanitize=address,undefined)
endif()

# shikong_library(NAME SOURCES... ) declares src/<NAME> as library shikong_<NAME>.
function(shikong_library name)
  add_library(shikong_${name} STATIC ${ARGN})
  target_link_libraries(shikong_${name} PUBLIC shikong_options)
endfunction()
