#include "app/outbound.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "services/invitation_renderer.hpp"
#include "services/sandbox_transport.hpp"

namespace cis::app {

struct Outbound::Parts {
    std::unique_ptr<services::Transport> transport;
    std::unique_ptr<services::OutboxWorker> worker;
    std::string description;
};

namespace {

std::unique_ptr<services::Transport> make_transport(const Config& c, boost::asio::io_context&,
                                                    std::string& description) {
    if (c.transport == "sandbox") {
        description = "sandbox (captured, nothing leaves this machine)";
        return std::make_unique<services::SandboxTransport>();
    }
    throw ConfigError(fmt::format("[outbound] transport \"{}\" is not known (sandbox or smtp)", c.transport));
}

}  // namespace

Outbound::Outbound(const Config& c, store::Store& store, boost::asio::io_context& io,
                   const services::InstallationKeys& keys)
    : parts_(std::make_unique<Parts>()) {
    parts_->transport = make_transport(c, io, parts_->description);
    services::WorkerOptions o;
    char host[256] = "host";
    ::gethostname(host, sizeof host - 1);
    o.owner = fmt::format("{}:{}", host, ::getpid());
    o.pace = static_cast<double>(c.pace);
    o.retry_base = c.retry_base;
    o.retry_max = c.retry_max;
    o.give_up_after = c.give_up_after;
    services::RenderSettings rs{c.domain, c.mailbox_rsvp, c.effective_public_url(), keys.token_key};
    parts_->worker = std::make_unique<services::OutboxWorker>(
        store, *parts_->transport, services::invitation_renderer(rs), o);
}

Outbound::~Outbound() { stop(); }

void Outbound::start() { parts_->worker->start(); }

void Outbound::stop() { parts_->worker->stop(); }

void Outbound::poke() { parts_->worker->poke(); }

std::string Outbound::description() const { return parts_->description; }

}  // namespace cis::app
