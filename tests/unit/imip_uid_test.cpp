// Per-recipient UIDs: deterministic, distinct, keyed.
#include <gtest/gtest.h>

#include <set>

#include "imip/recipient_uid.hpp"

using cis::imip::recipient_uid;

TEST(RecipientUid, SameInputsSameUid) {
    EXPECT_EQ(recipient_uid("k", "ev1", "a@example.com", "cis.example.org"),
              recipient_uid("k", "ev1", "a@example.com", "cis.example.org"));
}

TEST(RecipientUid, KnownValue) {
    // Python: base64.b32encode(hmac.new(b"test-key", b"cis-recipient-uid-v1" +
    //   len-prefixed(b"ev-berlin") + len-prefixed(b"alice@example.com"), sha256)
    //   .digest()[:20]).lower()
    EXPECT_EQ(recipient_uid("test-key", "ev-berlin", "alice@example.com", "cis.example.org"),
              "exdelzkcnwtkfsin4qfkz25d5z5zfxnk@cis.example.org");
}

TEST(RecipientUid, DistinctPerRecipientEventAndKey) {
    std::set<std::string> uids;
    for (const char* key : {"k1", "k2"})
        for (const char* ev : {"ev1", "ev2", "ev10"})
            for (const char* who : {"a@example.com", "b@example.com", "ev1a@example.com"})
                uids.insert(recipient_uid(key, ev, who, "d"));
    EXPECT_EQ(uids.size(), 18u);
    // Length prefixes: moving a character between the fields changes the input.
    EXPECT_NE(recipient_uid("k", "ev1", "a@x", "d"), recipient_uid("k", "ev", "1a@x", "d"));
}

TEST(RecipientUid, Shape) {
    const std::string uid = recipient_uid("", "e", "r@x", "cis.example.org");
    ASSERT_EQ(uid.size(), 32u + 1 + 15);
    for (char c : uid.substr(0, 32)) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'));
    EXPECT_EQ(uid.substr(32), "@cis.example.org");
}
