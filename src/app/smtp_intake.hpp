#pragma once
// The bridge between the SMTP listener and the inbound processor: RCPT is checked
// against the CIS mailboxes (550 5.1.1 for anything else) and DATA goes through the
// IntakePipeline; the client hears 250 only once its message is on disk.
#include "app/intake_pipeline.hpp"
#include "smtp/server.hpp"

namespace cis::app {

class SmtpIntake final : public smtp::Handler {
  public:
    explicit SmtpIntake(IntakePipeline& pipeline) : pipeline_(pipeline) {}

    smtp::Reply check_recipient(const std::string& rcpt) override;
    void deliver(smtp::Envelope env, std::string message,
                 std::function<void(smtp::Reply)> done) override;

  private:
    IntakePipeline& pipeline_;
};

}  // namespace cis::app
