// Boost.Beast and Boost.Asio compiled once for the load generator (SEPARATE_COMPILATION).
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
