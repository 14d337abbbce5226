# Builds fuzz_update with clang + libFuzzer in its own build dir and runs it briefly over a
# corpus seeded from the committed fuzz corpus. Invoked by the ctest crdt_fuzz_libfuzzer_30s.
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SRC} -B ${BIN} -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
                        -DCMAKE_CXX_COMPILER=${CLANGXX} -DTANDEM_FUZZ=ON -DTANDEM_JS_TESTS=OFF
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configure of the libFuzzer build failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BIN} -j2 --target fuzz_update RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "build of fuzz_update failed")
endif()
file(MAKE_DIRECTORY ${BIN}/fuzz-corpus)
file(GLOB seeds ${SRC}/tests/fuzz/corpus/*)
if(seeds)
  file(COPY ${seeds} DESTINATION ${BIN}/fuzz-corpus)
endif()
execute_process(COMMAND ${BIN}/tests/fuzz/fuzz_update -max_total_time=${SECONDS} -max_len=4096
                        -artifact_prefix=${BIN}/ ${BIN}/fuzz-corpus RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "libFuzzer found a failing input (see ${BIN}/crash-*); add it to tests/fuzz/corpus/")
endif()
