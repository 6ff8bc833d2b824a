"""IM robot delivery: 企业微信 (WeCom), 钉钉 (DingTalk) and 飞书 (Feishu) webhooks."""
from yibao.delivery.im.base import (ImConfigError, ImMessage, ImResult, ImTarget, Outcome, PartResult,
                                    split_by_bytes)
from yibao.delivery.im.send import send_im, send_im_with_retry

__all__ = ["ImConfigError", "ImMessage", "ImResult", "ImTarget", "Outcome", "PartResult", "send_im",
           "send_im_with_retry", "split_by_bytes"]
