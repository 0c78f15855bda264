// services::KeyCache against a real store: a proven key is trusted for the ttl, then
// checked again (a revoke by another process shows); forget() makes a revoke immediate.
#include <gtest/gtest.h>

#include "services/api_keys.hpp"
#include "services/key_cache.hpp"
#include "support/store_fixture.hpp"

namespace cis {
namespace {

using namespace std::chrono_literals;

class KeyCacheTest : public test::StoreTest {
  protected:
    services::NewKey add_key() {
        auto k = services::make_api_key("organizer", "alice@club.example", "", "test", 100);
        store_->write([&](store::Tx& tx) { tx.insert_api_key(k.record); });
        return k;
    }
    void revoke(const services::NewKey& k) {
        store_->write([&](store::Tx& tx) { ASSERT_TRUE(tx.revoke_api_key(k.record.id, 200)); });
    }
    services::KeyCache cache{1s};
    services::KeyCache::Clock::time_point t0{};
};

TEST_F(KeyCacheTest, RevokeElsewhereShowsAfterTheTtl) {
    const auto k = add_key();
    ASSERT_TRUE(cache.authenticate(*store_, k.plaintext, t0));
    revoke(k);  // as `cis key revoke` in another process would
    EXPECT_TRUE(cache.authenticate(*store_, k.plaintext, t0 + 900ms)) << "still trusted";
    EXPECT_FALSE(cache.authenticate(*store_, k.plaintext, t0 + 1s));
    EXPECT_FALSE(cache.authenticate(*store_, k.plaintext, t0 + 1001ms)) << "not cached again";
}

TEST_F(KeyCacheTest, ForgetMakesARevokeImmediate) {
    const auto k = add_key();
    ASSERT_TRUE(cache.authenticate(*store_, k.plaintext, t0));
    revoke(k);
    cache.forget();
    EXPECT_FALSE(cache.authenticate(*store_, k.plaintext, t0 + 1ms));
}

TEST_F(KeyCacheTest, WrongSecretsAreNeverCachedAndCapacityIsBounded) {
    const auto k = add_key();
    std::string wrong = k.plaintext;
    wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
    EXPECT_FALSE(cache.authenticate(*store_, wrong, t0));
    ASSERT_TRUE(cache.authenticate(*store_, k.plaintext, t0));
    EXPECT_FALSE(cache.authenticate(*store_, wrong, t0))
        << "a cached key does not vouch for another secret";
    services::KeyCache tiny{1s, 2};
    const auto k2 = add_key(), k3 = add_key();
    for (const auto* key : {&k, &k2, &k3, &k})
        EXPECT_TRUE(tiny.authenticate(*store_, key->plaintext, t0));
}

}  // namespace
}  // namespace cis
