// Chat prompts: tokenizer_config.json's Jinja chat_template, rendered the way transformers does.

import { Template } from '@huggingface/jinja';
import type { ChatMessage } from './api';
import { TokenizerFileError } from './tokenizerJson';

export interface ChatTemplateVars {
  bosToken: string | undefined;
  eosToken: string | undefined;
}

export type ChatRenderer = (messages: ChatMessage[], addGenerationPrompt: boolean) => string;

/** Compiles the template now, so a broken one is reported when the tokenizer loads. */
export function compileChatTemplate(source: string, file: string, vars: ChatTemplateVars): ChatRenderer {
  let template: Template;
  try {
    template = new Template(source);
  } catch (err) {
    throw new TokenizerFileError(file, `chat_template does not parse (${(err as Error).message})`);
  }
  return (messages, addGenerationPrompt) => {
    try {
      return template.render({
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        bos_token: vars.bosToken ?? '',
        eos_token: vars.eosToken ?? '',
        add_generation_prompt: addGenerationPrompt,
      });
    } catch (err) {
      throw new TokenizerFileError(file, `chat_template failed to render (${(err as Error).message})`);
    }
  };
}
