#include "app/intake_pipeline.hpp"

#include <atomic>
#include <boost/asio/post.hpp>
#include <ctime>
#include <mutex>

namespace cis::app {

IntakePipeline::IntakePipeline(services::IntakePolicy policy, store::Store& store,
                               services::IntakeWriter& writer, const dkim::Verifier& verifier,
                               boost::asio::thread_pool& workers)
    : policy_(std::move(policy)),
      store_(store),
      writer_(writer),
      verifier_(verifier),
      workers_(workers) {}

std::optional<services::Route> IntakePipeline::route(const std::string& rcpt) const {
    return services::route_recipient(rcpt, policy_.domain, policy_.mailboxes);
}

void IntakePipeline::deliver(InboundEnvelope env, std::string message,
                             std::function<void(IntakeOutcome)> done) {
    boost::asio::post(workers_, [this, env = std::move(env), message = std::move(message),
                                 done = std::move(done)]() mutable {
        // One stored copy per recipient mailbox; the answer waits for all of them.
        struct Pending {
            std::mutex mutex;
            std::size_t remaining = 0;
            bool dkim_temporary = false, failed = false;
            std::string dkim_reason;
            std::vector<std::optional<services::IntakeResult>> results;
            std::vector<std::string> rcpts;
            std::function<void(IntakeOutcome)> done;

            // Records one recipient's end; the last one answers.
            void finish() {
                IntakeOutcome out;
                {
                    std::lock_guard lock(mutex);
                    if (--remaining > 0) return;
                    out.kind = dkim_temporary ? IntakeOutcome::Kind::kDkimTemporary
                               : failed       ? IntakeOutcome::Kind::kStoreUnavailable
                                              : IntakeOutcome::Kind::kStored;
                    out.dkim_reason = dkim_reason;
                    for (std::size_t i = 0; i < results.size(); ++i)
                        if (results[i]) out.stored.emplace_back(rcpts[i], *results[i]);
                }
                done(std::move(out));
            }
        };
        auto pending = std::make_shared<Pending>();
        pending->remaining = env.rcpts.size();
        pending->results.resize(env.rcpts.size());
        pending->rcpts = env.rcpts;
        pending->done = std::move(done);
        if (env.rcpts.empty()) {
            pending->remaining = 1;
            pending->finish();
            return;
        }
        const std::int64_t now = std::time(nullptr);
        for (std::size_t i = 0; i < env.rcpts.size(); ++i) {
            const auto where = route(env.rcpts[i]);
            if (!where) {  // callers route first; never drop a copy silently all the same
                {
                    std::lock_guard lock(pending->mutex);
                    pending->failed = true;
                }
                pending->finish();
                continue;
            }
            services::Delivery d{env.channel,
                                 env.mail_from,
                                 env.rcpts[i],
                                 env.remote,
                                 i + 1 == env.rcpts.size() ? std::move(message) : message,
                                 now};
            auto prepared = services::prepare(
                std::move(d), *where, verifier_, [this](const std::string& sender) {
                    return services::sender_needs_dkim(store_, policy_, sender);
                });
            if (prepared.dkim_temporary) {
                // The signing domain's key could not be fetched now: nothing is stored and
                // the sender retries later (RFC 5321 4yz), as it would for any DNS hiccup.
                {
                    std::lock_guard lock(pending->mutex);
                    pending->dkim_temporary = true;
                    pending->dkim_reason = prepared.dkim_reason;
                }
                pending->finish();
                continue;
            }
            writer_.submit(std::move(prepared),
                           [pending, i](bool ok, const services::IntakeResult& r) {
                               {
                                   std::lock_guard lock(pending->mutex);
                                   if (ok)
                                       pending->results[i] = r;
                                   else
                                       pending->failed = true;
                               }
                               pending->finish();
                           });
        }
    });
}

}  // namespace cis::app
