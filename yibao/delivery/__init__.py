"""Delivery of lessons to people: email, IM robots, signed links, rate limits.

    subscriptions  config/subscriptions.yaml → people, robots, policy (validated, file:line errors)
    ledger         the exactly-once Delivery / DeliveryItem rows and their state machine
    compose        ledger row → subject / text / HTML / IM markdown with signed links
    service        deliver(): plan digests for approved lessons, send what is due
    reminders      run_daily(): reminders and escalations (idempotent per day)
    alerts         alert(): Event + message to the 医保办, once per subject per day
    report         completion by department and role (yibao report)
    ack_app        FastAPI pages behind the signed links (read, quiz + 我已学习, unsubscribe)
    email, im, tokens, ratelimit   transports (SMTP, WeCom/DingTalk/Feishu), link tokens, robot pacing
"""
