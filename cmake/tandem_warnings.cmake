# Warning flags shared by every Tandem target. Call tandem_warnings(target) on each one;
# crdt additionally asks for conversion warnings (STRICT).
function(tandem_warnings target)
  cmake_parse_arguments(W "STRICT" "" "" ${ARGN})
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(W_STRICT)
    target_compile_options(${target} PRIVATE -Wconversion -Wsign-conversion)
  endif()
  if(TANDEM_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
