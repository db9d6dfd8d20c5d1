"""Each task's quantitative outputs (the seven counts of plan 463) become indicators of that task, and
every quantity reported becomes the actual value of its report for that indicator, unchanged."""

from django.db import migrations

# As they were named when this migration was written: the kind, the indicator's name, its unit.
KINDS = {
    "events": ("Hội nghị, sự kiện, lớp tập huấn tổ chức", "sự kiện"),
    "articles": ("Tin, bài, phóng sự tuyên truyền", "tin, bài"),
    "participants": ("Lượt người tham dự", "lượt người"),
    "documents": ("Văn bản ban hành hoặc tham mưu ban hành", "văn bản"),
    "technologies": ("Công nghệ, kết quả nghiên cứu được hỗ trợ, chuyển giao", "công nghệ, kết quả"),
    "orders": ("Nhiệm vụ đặt hàng", "nhiệm vụ"),
    "research_needs": ("Nhu cầu nghiên cứu được công bố", "nhu cầu"),
}
BATCH = 2000


def outputs_to_indicators(apps, schema_editor):
    Task = apps.get_model("tasks", "Task")
    Indicator = apps.get_model("tasks", "Indicator")
    ReportOutput = apps.get_model("reports", "ReportOutput")
    IndicatorValue = apps.get_model("reports", "IndicatorValue")

    # A kind reported on a task that no longer offers it still becomes an indicator: no value is lost.
    offered = {
        (task_id, kind)
        for task_id, kinds in Task.objects.values_list("pk", "output_kinds")
        for kind in kinds or []
    }
    reported = set(ReportOutput.objects.values_list("report__task_id", "kind").distinct())
    order = list(KINDS)
    indicators = [
        Indicator(
            task_id=task_id,
            name=KINDS.get(kind, (kind, ""))[0],
            unit_of_measure=KINDS.get(kind, ("", kind))[1],
            decimals=0,
            direction="at_least",
            aggregation="sum",
            accumulation="cumulative",
            is_share=False,
            order=order.index(kind) + 1 if kind in order else len(order) + 1,
        )
        for task_id, kind in sorted(offered | reported)
    ]
    Indicator.objects.bulk_create(indicators, batch_size=BATCH)
    name_to_kind = {name: kind for kind, (name, _) in KINDS.items()}
    indicator_ids = {
        (task_id, name_to_kind.get(name, name)): pk
        for pk, task_id, name in Indicator.objects.values_list("pk", "task_id", "name")
    }
    values = []
    for report_id, task_id, kind, quantity in ReportOutput.objects.values_list(
        "report_id", "report__task_id", "kind", "quantity"
    ).iterator(chunk_size=BATCH):
        values.append(
            IndicatorValue(report_id=report_id, indicator_id=indicator_ids[task_id, kind], value=quantity)
        )
        if len(values) >= BATCH:
            IndicatorValue.objects.bulk_create(values)
            values = []
    IndicatorValue.objects.bulk_create(values)


def indicators_to_outputs(apps, schema_editor):
    """Back: the indicators made from the seven counts return to outputs; others are left out."""
    Task = apps.get_model("tasks", "Task")
    Indicator = apps.get_model("tasks", "Indicator")
    ReportOutput = apps.get_model("reports", "ReportOutput")
    IndicatorValue = apps.get_model("reports", "IndicatorValue")
    name_to_kind = {name: kind for kind, (name, _) in KINDS.items()}
    kinds_of_task = {}
    for task_id, name in Indicator.objects.values_list("task_id", "name"):
        if name in name_to_kind:
            kinds_of_task.setdefault(task_id, []).append(name_to_kind[name])
    for task in Task.objects.filter(pk__in=kinds_of_task):
        task.output_kinds = sorted(kinds_of_task[task.pk], key=list(KINDS).index)
        task.save(update_fields=["output_kinds"])
    ReportOutput.objects.bulk_create(
        [
            ReportOutput(report_id=report_id, kind=name_to_kind[name], quantity=int(value))
            for report_id, name, value in IndicatorValue.objects.filter(
                indicator__name__in=name_to_kind
            ).values_list("report_id", "indicator__name", "value")
        ],
        batch_size=BATCH,
    )
    IndicatorValue.objects.filter(indicator__name__in=name_to_kind).delete()
    Indicator.objects.filter(name__in=name_to_kind).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0010_indicator_values"),
        ("tasks", "0013_indicators"),
    ]

    operations = [migrations.RunPython(outputs_to_indicators, indicators_to_outputs)]
