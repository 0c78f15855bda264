#include "smtp/client.hpp"

#include <stdexcept>
#include <utility>

#include "smtp/client_message.hpp"
#include "smtp/client_pool.hpp"
#include "smtp/client_result.hpp"

namespace cis::smtp {

namespace {

void check_options(const RelayOptions& o) {
    if (o.host.empty()) throw std::invalid_argument("smtp relay: no host");
    if (o.connections == 0) throw std::invalid_argument("smtp relay: connections must be >= 1");
    if (o.username.empty() != o.password.empty()) {
        throw std::invalid_argument("smtp relay: username and password must be set together");
    }
    // It goes into the EHLO command line verbatim.
    bool helo_ok = !o.helo_name.empty();
    for (char c : o.helo_name) helo_ok = helo_ok && c > ' ' && c != 0x7f;
    if (!helo_ok) throw std::invalid_argument("smtp relay: bad helo_name '" + o.helo_name + "'");
}

}  // namespace

RelayClient::RelayClient(boost::asio::io_context& io, RelayOptions opts) {
    check_options(opts);
    shared_ = std::make_shared<detail::RelayShared>(io, std::move(opts));
}

RelayClient::~RelayClient() {
    close();
}

void RelayClient::send(RelayEnvelope env, std::string data,
                       std::function<void(DeliveryResult)> done) {
    send(std::move(env), std::move(data), CommitGate(), std::move(done));
}

void RelayClient::send(RelayEnvelope env, std::string data, CommitGate before_dot,
                       std::function<void(DeliveryResult)> done) {
    detail::Job job;
    job.done = std::move(done);
    job.before_dot = std::move(before_dot);
    // Addresses go into command lines: refuse anything that could break out of them.
    if (const std::string bad = address_problem(env.mail_from, /*empty_ok=*/true); !bad.empty()) {
        detail::finish_later(shared_->io, std::move(job),
                             detail::refused_here("mail", "5.1.7", "bad sender address: " + bad));
        return;
    }
    if (const std::string bad = address_problem(env.rcpt, /*empty_ok=*/false); !bad.empty()) {
        detail::finish_later(
            shared_->io, std::move(job),
            detail::refused_here("rcpt", "5.1.3", "bad recipient address: " + bad));
        return;
    }
    job.env = std::move(env);
    job.message = prepare_message(data);  // on the caller's thread, off the io threads
    shared_->submit(std::move(job));
}

void RelayClient::close() {
    shared_->close();
}

std::size_t RelayClient::active_connections() const {
    return shared_->alive.load();
}

std::size_t RelayClient::sessions_opened() const {
    return shared_->sessions_opened.load();
}

}  // namespace cis::smtp
