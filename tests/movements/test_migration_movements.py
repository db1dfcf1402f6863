"""The upgrade that moves emulation movements out of indicators into their own
app (movements 0001, indicators 0004), from a database in the old shape: every
movement, key target, participation, declaration and award proposal, and their
history, is still there through the new models; the content types are the same
rows under the new label, so permissions given on them and the admin's log keep
pointing at them. And back again."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from movements.models import AwardProposal, Declaration, KeyTarget, Movement, Participation
from portal.management.commands.load_demo import load_demo_data

pytestmark = pytest.mark.django_db(transaction=True)

# Today's shape: the last migration of indicators before the move, no movements app.
OLD = [("indicators", "0003_values_moved_to_reports"), ("movements", None)]
MODELS = ["Movement", "Participation", "KeyTarget", "Declaration", "AwardProposal"]
TABLES = [f"indicators_{m.lower()}" for m in MODELS] + [
    f"indicators_historical{m.lower()}" for m in MODELS
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()  # the migration renamed rows behind the cache's back
    # The models as the database now stands: every app at what is applied.
    loader = MigrationLoader(connection)
    return loader.project_state(list(loader.applied_migrations)).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def table_rows():
    with connection.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def old_database(demo_again_afterwards, transactional_db):
    """The demo's movement (and its history), in the tables as indicators left them."""
    if not Movement.objects.filter(unit__code="870", year=2021).exists():
        load_demo_data()  # a transactional test before this one emptied the database
    final = latest()
    apps = migrate(OLD)
    try:
        yield apps
    finally:
        migrate(final)


def put_old_rows(apps):
    """A movement with one of everything, written through the old app's models."""
    Unit = apps.get_model("portal", "ReportingUnit")
    User = apps.get_model("auth", "User")
    Indicator = apps.get_model("indicators", "Indicator")
    Movement = apps.get_model("indicators", "Movement")
    district = Unit.objects.get(code="877", valid_from=None)
    commune = Unit.objects.filter(path__startswith=district.path, depth=3).order_by("path")[0]
    reviewer = User.objects.get(username="syt")
    movement = Movement.objects.create(
        unit=district, title="Phong trào thử chuyển bảng", year=2022, quota_collectives=2
    )
    apps.get_model("indicators", "Participation").objects.create(movement=movement, unit=commune)
    indicator_target = apps.get_model("indicators", "KeyTarget").objects.create(
        movement=movement,
        position=1,
        label="Tỷ lệ bao phủ bảo hiểm y tế",
        kind="indicator",
        indicator=Indicator.objects.get(code="bao-hiem-y-te"),
        comparator="ge",
        value=Decimal("91"),
        text="≥ 91",
    )
    statement = apps.get_model("indicators", "KeyTarget").objects.create(
        movement=movement, position=2, label="Không có ngộ độc thực phẩm", kind="statement"
    )
    apps.get_model("indicators", "Declaration").objects.create(
        key_target=statement,
        unit=commune,
        checkpoint="Y",
        holds=True,
        evidence="Báo cáo số 5 của Trạm Y tế.",
        declared_by=reviewer,
    )
    apps.get_model("indicators", "AwardProposal").objects.create(
        movement=movement,
        kind="individual",
        unit=commune,
        person_name="Nguyễn Văn Thử",
        person_title="Trưởng trạm",
        reason="Hoàn thành xuất sắc",
        proposed_by=reviewer,
    )
    apps.get_model("indicators", "HistoricalMovement").objects.create(
        id=movement.pk,
        unit=district,
        title=movement.title,
        year=movement.year,
        quota_collectives=2,
        quota_individuals=0,
        history_date=timezone.now() - dt.timedelta(days=1),
        history_type="+",
        history_user=reviewer,
    )
    return movement, indicator_target


def test_every_movement_row_and_its_history_arrives_in_the_movements_app(old_database):
    apps = old_database
    movement, indicator_target = put_old_rows(apps)
    OldContentType = apps.get_model("contenttypes", "ContentType")
    old_type = OldContentType.objects.get(app_label="indicators", model="movement")
    history_type = OldContentType.objects.get(app_label="indicators", model="historicalmovement")
    # Today an administrator may have been given a movement permission, and the
    # admin's log names a movement by its content type.
    Permission = apps.get_model("auth", "Permission")
    change = Permission.objects.get(content_type=old_type, codename="change_movement")
    User = apps.get_model("auth", "User")
    editor = User.objects.get(username="hongngu")
    editor.user_permissions.add(change)
    apps.get_model("admin", "LogEntry").objects.create(
        user=editor,
        content_type=old_type,
        object_id=str(movement.pk),
        object_repr=movement.title,
        action_flag=CHANGE,
        change_message="[]",
        action_time=timezone.now(),
    )
    before = table_rows()
    assert all(before.values()), before  # the demo's movement, plus ours

    migrate(latest())

    assert table_rows() == before
    moved = Movement.objects.get(pk=movement.pk)
    assert (moved.unit.code, moved.title, moved.year, moved.quota_collectives) == (
        "877",
        "Phong trào thử chuyển bảng",
        2022,
        2,
    )
    # The award list's signature (movements 0002) starts blank: an unsigned list.
    assert (moved.number_symbol, moved.signed_on, moved.signer, moved.recipients) == (
        "",
        None,
        "",
        "",
    )
    assert [p.unit_id for p in Participation.objects.filter(movement=moved)] == [
        moved.key_targets.get(position=2).declarations.get().unit_id
    ]
    target = KeyTarget.objects.get(pk=indicator_target.pk)
    assert (target.indicator.code, target.comparator, target.value, target.text) == (
        "bao-hiem-y-te",
        "ge",
        Decimal("91"),
        "≥ 91",
    )
    declaration = Declaration.objects.get(key_target__movement=moved)
    assert (declaration.holds, declaration.evidence, declaration.declared_by.username) == (
        True,
        "Báo cáo số 5 của Trạm Y tế.",
        "syt",
    )
    award = AwardProposal.objects.get(movement=moved)
    assert (award.person_name, award.reason) == ("Nguyễn Văn Thử", "Hoàn thành xuất sắc")
    assert [h.title for h in moved.history.all()] == ["Phong trào thử chuyển bảng"]
    # The demo's movement came along with its whole story.
    hong_ngu = Movement.objects.get(unit__code="870", year=2021)
    assert hong_ngu.participations.count() == 10 and hong_ngu.history.exists()
    assert Declaration.history.filter(key_target__movement=hong_ngu).exists()

    # Same content type rows, new label: permissions and log entries follow.
    assert ContentType.objects.get_for_model(Movement).pk == old_type.pk
    assert ContentType.objects.get_for_model(Movement.history.model).pk == history_type.pk
    assert not ContentType.objects.filter(app_label="indicators", model="movement").exists()
    editor = get_user_model().objects.get(username="hongngu")
    assert editor.has_perm("movements.change_movement")
    entry = LogEntry.objects.get(content_type_id=old_type.pk, object_id=str(movement.pk))
    assert entry.get_edited_object() == moved


def test_going_back_puts_the_rows_and_content_types_under_indicators_again(old_database):
    movement, _target = put_old_rows(old_database)
    old_type = old_database.get_model("contenttypes", "ContentType").objects.get(
        app_label="indicators", model="movement"
    )
    before = table_rows()
    migrate(latest())

    apps = migrate(OLD)

    assert table_rows() == before
    assert apps.get_model("indicators", "Movement").objects.get(pk=movement.pk).year == 2022
    ContentTypeThen = apps.get_model("contenttypes", "ContentType")
    assert ContentTypeThen.objects.get(app_label="indicators", model="movement").pk == old_type.pk
    assert not ContentTypeThen.objects.filter(app_label="movements").exists()
