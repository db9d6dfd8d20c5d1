from django.db import migrations, models


def forward(apps, schema_editor):
    """Every membership of a group so far becomes an undated membership: the unit stays a member of
    the same groups, from and to no date."""
    Unit = apps.get_model("tasks", "Unit")
    GroupMembership = apps.get_model("tasks", "GroupMembership")
    GroupMembership.objects.bulk_create(
        GroupMembership(member_id=member, group_id=group)
        for member, group in Unit.groups.through.objects.values_list("from_unit_id", "to_unit_id")
    )


def backward(apps, schema_editor):
    Unit = apps.get_model("tasks", "Unit")
    GroupMembership = apps.get_model("tasks", "GroupMembership")
    Unit.groups.through.objects.bulk_create(
        Unit.groups.through(from_unit_id=member, to_unit_id=group)
        for member, group in GroupMembership.objects.values_list("member_id", "group_id")
    )


class Migration(migrations.Migration):
    """The plain membership of groups becomes dated (`GroupMembership`): existing memberships are
    copied undated, then the field `groups` reads them through the new table."""

    dependencies = [("tasks", "0008_group_membership_dated")]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="unit", name="groups"),
        migrations.AddField(
            model_name="unit",
            name="groups",
            field=models.ManyToManyField(
                blank=True,
                help_text="Các nhóm đơn vị mà đơn vị này là thành viên (ví dụ: “Các sở, ban, ngành”), mỗi nhóm có thể kèm thời gian là thành viên.",
                related_name="members",
                through="tasks.GroupMembership",
                through_fields=("member", "group"),
                to="tasks.unit",
                verbose_name="thuộc nhóm",
            ),
        ),
    ]
