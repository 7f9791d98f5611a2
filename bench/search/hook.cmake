# Included after project() (CMAKE_PROJECT_INCLUDE) by bench/search/run: defines search_bench once
# every target of the tree exists, whether or not bench/CMakeLists.txt adds bench/search.
set(SHIKONG_SEARCH_BENCH_TARGETS "${CMAKE_CURRENT_LIST_DIR}/targets.cmake")
cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL include ${SHIKONG_SEARCH_BENCH_TARGETS})
