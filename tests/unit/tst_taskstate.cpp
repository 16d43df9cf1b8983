// Specification of the task life cycle names (common/taskstate.h). The names are part of the
// HTTP API and of the database, so they are spelled out here rather than derived.
#include "taskstate.h"

#include <QTest>

using namespace Qt::StringLiterals;
using hookme::TaskState;

class TestTaskState : public QObject
{
    Q_OBJECT

private slots:
    void nameOfEachState_data();
    void nameOfEachState();
    void unknownNamesAreRefused_data();
    void unknownNamesAreRefused();
    void allNamesInLifeCycleOrder();
    void unfinishedNames();
};

void TestTaskState::nameOfEachState_data()
{
    QTest::addColumn<TaskState>("state");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("finished");

    QTest::newRow("scheduled") << TaskState::Scheduled << u"scheduled"_s << false;
    QTest::newRow("running") << TaskState::Running << u"running"_s << false;
    QTest::newRow("retrying") << TaskState::Retrying << u"retrying"_s << false;
    QTest::newRow("delivered") << TaskState::Delivered << u"delivered"_s << true;
    QTest::newRow("failed") << TaskState::Failed << u"failed"_s << true;
    QTest::newRow("cancelled") << TaskState::Cancelled << u"cancelled"_s << true;
}

void TestTaskState::nameOfEachState()
{
    QFETCH(TaskState, state);
    QFETCH(QString, name);
    QFETCH(bool, finished);

    QCOMPARE(hookme::toString(state), name);
    const std::optional<TaskState> parsed = hookme::taskStateFromString(name);
    QVERIFY(parsed.has_value());
    QVERIFY(*parsed == state);
    QCOMPARE(hookme::isFinished(state), finished);
}

void TestTaskState::unknownNamesAreRefused_data()
{
    QTest::addColumn<QString>("name");

    QTest::newRow("empty") << QString();
    QTest::newRow("unknown word") << u"pending"_s;
    QTest::newRow("upper case") << u"SCHEDULED"_s;
    QTest::newRow("capitalised") << u"Delivered"_s;
    QTest::newRow("leading space") << u" running"_s;
    QTest::newRow("trailing space") << u"running "_s;
    QTest::newRow("American spelling") << u"canceled"_s;
    QTest::newRow("prefix") << u"retry"_s;
}

void TestTaskState::unknownNamesAreRefused()
{
    QFETCH(QString, name);
    const std::optional<TaskState> parsed = hookme::taskStateFromString(name);
    QVERIFY(!parsed.has_value());
}

void TestTaskState::allNamesInLifeCycleOrder()
{
    const QStringList expected { u"scheduled"_s, u"running"_s, u"retrying"_s,
                                 u"delivered"_s, u"failed"_s, u"cancelled"_s };
    QCOMPARE(hookme::allTaskStateNames(), expected);
}

void TestTaskState::unfinishedNames()
{
    const QStringList expected { u"scheduled"_s, u"running"_s, u"retrying"_s };
    QCOMPARE(hookme::unfinishedTaskStateNames(), expected);
}

QTEST_GUILESS_MAIN(TestTaskState)
#include "tst_taskstate.moc"
