// What the unit tests need for QCOMPARE to compare and print the service's types.
#pragma once

#include <QByteArray>
#include <QString>
#include <QTest>

#include <optional>

// hookme's enums have a toString() that returns a QString. QCOMPARE's unqualified call to
// toString() finds it by argument-dependent lookup before QTest::toString and cannot use it,
// so these enums are compared, and shown on failure, by their names.
#define COMPARE_NAMES(actual, expected) \
    QCOMPARE(hookme::toString(actual), hookme::toString(expected))

namespace QTest {

template<>
inline char *toString(const std::nullopt_t &)
{
    return qstrdup("std::nullopt");
}

template<>
inline char *toString(const std::optional<int> &value)
{
    return value ? toString(*value) : qstrdup("std::nullopt");
}

template<>
inline char *toString(const std::optional<qint64> &value)
{
    return value ? toString(*value) : qstrdup("std::nullopt");
}

template<>
inline char *toString(const std::optional<QString> &value)
{
    return value ? toString(*value) : qstrdup("std::nullopt");
}

template<>
inline char *toString(const std::optional<QByteArray> &value)
{
    return value ? toString(*value) : qstrdup("std::nullopt");
}

} // namespace QTest
