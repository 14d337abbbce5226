// Boost.Beast and Boost.Asio compiled once for the whole server (SEPARATE_COMPILATION).
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
