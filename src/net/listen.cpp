#include "net/listen.hpp"

#include <stdexcept>

namespace cis::net {

namespace {
namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

tcp::endpoint resolve(asio::io_context& io, const std::string& host, unsigned short port,
                      const std::string& who) {
    error_code ec;
    const asio::ip::address addr = asio::ip::make_address(host, ec);
    if (!ec) return tcp::endpoint(addr, port);
    tcp::resolver resolver(io);
    const auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty())
        throw std::runtime_error(who + ": cannot resolve listen address '" + host +
                                 "': " + (ec ? ec.message() : "no address"));
    return results.begin()->endpoint();
}
}  // namespace

unsigned short listen(tcp::acceptor& acceptor, asio::io_context& io, const std::string& host,
                      unsigned short port, const std::string& who) {
    const tcp::endpoint ep = resolve(io, host, port, who);
    const std::string where = host + ":" + std::to_string(port);
    error_code ec;
    auto fail = [&](const char* what) {
        error_code ignored;
        acceptor.close(ignored);
        throw std::runtime_error(who + ": cannot " + what + " " + where + ": " + ec.message());
    };
    acceptor.open(ep.protocol(), ec);
    if (ec) fail("open a socket for");
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (ec) fail("set SO_REUSEADDR on");
    acceptor.bind(ep, ec);
    if (ec) fail("bind to");
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) fail("listen on");
    return acceptor.local_endpoint(ec).port();
}

}  // namespace cis::net
