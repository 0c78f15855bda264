#pragma once
// The outbound side of `cis serve`: the transport chosen by configuration (sandbox or
// an SMTP relay), the renderer of calendar messages, and the outbox worker.
#include <memory>
#include <string>

#include "app/config.hpp"
#include "services/installation.hpp"
#include "services/outbox_worker.hpp"

namespace cis::app {

class Outbound {
  public:
    // A relay transport gets an io_context and a thread of its own ("cis-relay").
    Outbound(const Config& c, store::Store& store, const services::InstallationKeys& keys);
    ~Outbound();
    void start();
    void stop();  // lets deliveries in flight finish, then closes the transport
    void poke();
    std::string description() const;

  private:
    struct Parts;
    std::unique_ptr<Parts> parts_;
};

}  // namespace cis::app
