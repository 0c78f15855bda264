#pragma once
// Opening a listening TCP socket, shared by the SMTP and HTTP servers: the host is an IP
// literal or a name to resolve, and every failure becomes a sentence an operator can act on
// ("smtp: cannot bind to 127.0.0.1:25: Address already in use").
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <string>

namespace cis::net {

// Opens `acceptor` on host:port with SO_REUSEADDR and listens. Returns the bound port (the
// chosen one when `port` is 0). Throws std::runtime_error prefixed with `who`; the acceptor
// is closed again on failure.
unsigned short listen(boost::asio::ip::tcp::acceptor& acceptor, boost::asio::io_context& io,
                      const std::string& host, unsigned short port, const std::string& who);

}  // namespace cis::net
