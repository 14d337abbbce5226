# Warning flags shared by every Tandem target. Call tandem_warnings(target) on each one;
# crdt additionally asks for conversion warnings (STRICT).
function(tandem_warnings target)
  cmake_parse_arguments(W "STRICT" "" "" ${ARGN})
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(W_STRICT)
    target_compile_options(${target} PRIVATE -Wconversion -Wsign-conversion)
  endif()
  # GCC 12 reports -Wrestrict false positives inside libstdc++'s string concatenation at -O2
  # (GCC bug 105329); they are not in our code, so that one warning is off there.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(TANDEM_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
