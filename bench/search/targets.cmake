# search_bench: shikong's search index against SQLite FTS5 over the same synthetic records.
if(NOT TARGET search_bench AND TARGET shikong_search AND TARGET shikong_storage_sqlite)
  find_package(SQLite3 REQUIRED)
  add_executable(search_bench ${CMAKE_CURRENT_LIST_DIR}/search_bench.cpp)
  target_link_libraries(search_bench PRIVATE shikong_search shikong_storage_sqlite shikong_options
    SQLite::SQLite3)
endif()
