#include "app/smtp_intake.hpp"

#include <fmt/format.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <ctime>

namespace cis::app {

SmtpIntake::SmtpIntake(services::IntakePolicy policy, store::Store& store,
                       services::IntakeWriter& writer, const dkim::Verifier& verifier,
                       boost::asio::thread_pool& workers)
    : policy_(std::move(policy)),
      store_(store),
      writer_(writer),
      verifier_(verifier),
      workers_(workers) {}

smtp::Reply SmtpIntake::check_recipient(const std::string& rcpt) {
    if (services::route_recipient(rcpt, policy_.domain, policy_.mailboxes))
        return {250, "2.1.5", "recipient ok"};
    return {550, "5.1.1", fmt::format("<{}>: no such mailbox here", rcpt)};
}

void SmtpIntake::deliver(smtp::Envelope env, std::string message,
                         std::function<void(smtp::Reply)> done) {
    boost::asio::post(workers_, [this, env = std::move(env), message = std::move(message),
                                 done = std::move(done)]() mutable {
        // One stored copy per recipient mailbox; the reply waits for all of them.
        struct Pending {
            std::atomic<std::size_t> remaining;
            std::atomic<bool> failed{false};
            std::function<void(smtp::Reply)> done;
            std::string ids;
            std::mutex ids_mutex;
        };
        auto pending = std::make_shared<Pending>();
        pending->remaining = env.rcpts.size();
        pending->done = std::move(done);
        const std::int64_t now = std::time(nullptr);
        for (std::size_t i = 0; i < env.rcpts.size(); ++i) {
            const auto route =
                services::route_recipient(env.rcpts[i], policy_.domain, policy_.mailboxes);
            services::Delivery d{"smtp",
                                 env.mail_from,
                                 env.rcpts[i],
                                 env.remote_address,
                                 i + 1 == env.rcpts.size() ? std::move(message) : message,
                                 now};
            auto prepared = services::prepare(
                std::move(d), *route, verifier_, [this](const std::string& sender) {
                    return services::sender_needs_dkim(store_, policy_, sender);
                });
            if (prepared.dkim_temporary) {
                // The signing domain's key could not be fetched now: nothing is stored and
                // the sending MTA retries later (RFC 5321 4yz), as it would for any DNS hiccup.
                pending->failed = true;
                if (--pending->remaining == 0)
                    pending->done({451, "4.7.5",
                                   "DKIM key lookup failed temporarily: " + prepared.dkim_reason});
                continue;
            }
            writer_.submit(
                std::move(prepared), [pending](bool ok, const services::IntakeResult& r) {
                    if (!ok) pending->failed = true;
                    {
                        std::lock_guard lock(pending->ids_mutex);
                        if (ok)
                            pending->ids +=
                                (pending->ids.empty() ? "" : ",") + std::to_string(r.inbound_id);
                    }
                    if (--pending->remaining > 0) return;
                    if (pending->failed)
                        pending->done({451, "4.3.0", "temporary failure, please try again later"});
                    else
                        pending->done({250, "2.0.0", "stored as inbound " + pending->ids});
                });
        }
    });
}

}  // namespace cis::app
