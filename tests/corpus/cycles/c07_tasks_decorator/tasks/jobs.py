from tasks import registry


@registry.task
def send_welcome_email(user_id):
    return f"mail to {user_id}"


@registry.task
def rebuild_search_index():
    return "ok"
