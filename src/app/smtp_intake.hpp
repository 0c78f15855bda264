#pragma once
// The bridge between the SMTP listener and the inbound processor: recipients are
// routed to mailboxes, messages are prepared on a worker pool (MIME, iCalendar and
// DKIM take time, and a DNS lookup may block) and committed by the IntakeWriter;
// the client hears 250 only once its message is on disk.
#include <boost/asio/thread_pool.hpp>

#include "dkim/dkim.hpp"
#include "services/intake_writer.hpp"
#include "smtp/server.hpp"

namespace cis::app {

class SmtpIntake final : public smtp::Handler {
  public:
    SmtpIntake(services::IntakePolicy policy, store::Store& store, services::IntakeWriter& writer,
               const dkim::Verifier& verifier, boost::asio::thread_pool& workers);

    smtp::Reply check_recipient(const std::string& rcpt) override;
    void deliver(smtp::Envelope env, std::string message,
                 std::function<void(smtp::Reply)> done) override;

  private:
    const services::IntakePolicy policy_;
    store::Store& store_;
    services::IntakeWriter& writer_;
    const dkim::Verifier& verifier_;
    boost::asio::thread_pool& workers_;
};

}  // namespace cis::app
